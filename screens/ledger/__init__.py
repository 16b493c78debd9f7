"""The household ledger (住户台账): the search-first list, a household's file, its forms and operations."""
