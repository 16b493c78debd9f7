"""Importing a ledger workbook: check every row, then write all of it or nothing."""
