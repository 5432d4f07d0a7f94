"""Time per password hash: Django's default PBKDF2 and the one-time-password hasher (secretariat/hashers.py).

Usage (from the project root, with the virtualenv):
    .venv/bin/python bench/password_hashing.py [--hashes 5] [--accounts 102]

Hashes a random 10-character one-time password (the portal's alphabet) `--hashes` times with each hasher in
this one process and prints the median seconds per hash, and what `--accounts` accounts would cost at that
pace in one request. No database. Not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hashes", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=102)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pps_admin.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.utils.crypto import get_random_string

    from secretariat.hashers import OneTimePasswordHasher
    from secretariat.services.accounts import PASSWORD_ALPHABET

    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")
    for hasher in (PBKDF2PasswordHasher(), OneTimePasswordHasher()):
        times = []
        for _ in range(args.hashes):
            password = get_random_string(10, PASSWORD_ALPHABET)
            started = time.perf_counter()
            hasher.encode(password, hasher.salt())
            times.append(time.perf_counter() - started)
        per_hash = statistics.median(times)
        print(
            f"{hasher.algorithm} ({hasher.iterations:,} rounds): {per_hash:.3f} s per hash (median of "
            f"{args.hashes}); {args.accounts} accounts ≈ {per_hash * args.accounts:.1f} s"
        )


if __name__ == "__main__":
    main()
