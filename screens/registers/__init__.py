"""Special-needs registers (重点人群): the list, registering a resident and ending an entry."""
