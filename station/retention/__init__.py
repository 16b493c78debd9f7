"""Retention (PIPL Art. 19, 47): de-identify people who moved out or died more than the configured
number of years ago, keeping every row the month figures count."""
