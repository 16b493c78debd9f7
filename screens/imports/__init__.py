"""Import (导入): choosing a ledger workbook, checking it, and bringing it in all or nothing."""
