"""Residents' requests (居民诉求): a closed loop from receipt to rating, with time limits."""
