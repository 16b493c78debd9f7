"""Reading a ledger workbook for an import: refuse unsafe files, measure sheets, read rows, write the errors back."""
