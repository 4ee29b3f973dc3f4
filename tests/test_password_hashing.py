"""Passwords are hashed with Argon2 (other tests swap in a fast hasher to save time)."""

from django.conf import settings

from accounts.models import User


def test_passwords_are_stored_as_argon2_hashes(db):
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = User.objects.create_user("hash@team.example", "plum orchard 84 lanterns")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("plum orchard 84 lanterns")
