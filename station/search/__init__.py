"""Resident search for the counter's one search box: keys written with each person, prefix lookups."""
