"""The household ledger (住户台账): households and the clerk's operations on them and their members."""
