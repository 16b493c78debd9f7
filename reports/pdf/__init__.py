"""PDF printouts (reportlab): the A4 page, its parts, and every printed form and report."""
