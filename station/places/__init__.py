"""Places people live in: the community, its grids, buildings and units."""
