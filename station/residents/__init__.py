"""Residents: persons, who lives in which household, the rules a person's details obey."""
