"""Figures: the dashboard's, the overview's and the monthly report's, all SQL aggregates."""
