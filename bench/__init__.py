"""Benchmarks for station (`python -m bench`, `make bench`); results go to stdout, databases to bench/out/."""
