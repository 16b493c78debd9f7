"""Printing: PDF (reportlab) and Excel (openpyxl) from plain records; never touches the ORM."""
