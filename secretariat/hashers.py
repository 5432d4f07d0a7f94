from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    """Hashes the random one-time passwords printed on the handover sheet.

    Django's default PBKDF2 (1,000,000 rounds) is slow enough per hash that creating 102 accounts would
    outlast a request (bench/RESULTS.md, "Password hashing"). These passwords are random (10 characters
    from a 55-symbol alphabet, ~58 bits), used once and replaced at first login, when Django re-hashes the
    member's own password with the default hasher. 60,000 rounds keep guessing a one-time password
    far out of reach while 102 accounts fit in one request.
    """

    algorithm = "pbkdf2_sha256_otp"
    iterations = 60_000
