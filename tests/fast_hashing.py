"""Argon2 takes a third of a second per password on a busy test machine, and every persona of
the `team` fixture has one. Test modules that create many teams import this autouse fixture;
tests/test_password_hashing.py checks the real setting."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
