"""Load-test data at national scale: the `seed_synthetic` command and what it builds on.

A Django app installed only when the environment asks for it (`LOADTEST=true`, pps_admin/settings.py), so
the product's own apps know nothing of synthetic data: the rows it makes are told apart by their reserved
codes alone (`codes`).
"""
