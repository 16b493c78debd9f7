"""Special-needs registers (重点人群): entries, their attributes, visit cycles and 特困 candidates."""
