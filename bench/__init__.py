"""Benchmarks and load-test tooling: kept apart from the product (never in the production image)."""
