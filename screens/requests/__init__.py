"""Residents' requests (居民诉求): the list, one request's file and each step of its handling."""
