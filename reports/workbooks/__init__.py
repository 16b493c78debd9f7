"""Workbooks written for people (openpyxl and a streaming writer): exports, the monthly figures, the import template."""
