"""Bulk writing shared by the import and the demo generator: ids up front, chunked executemany,
indexes built once after a big load."""
