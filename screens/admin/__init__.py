"""Administrators' screens reached from the command palette."""
