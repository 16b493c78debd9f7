"""The demo community: realistic, deterministic data for trying out and benchmarking."""
