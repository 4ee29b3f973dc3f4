"""A model field that keeps secrets (LWA refresh tokens, mailbox passwords) encrypted at rest.

Values are encrypted with Fernet (AES-128-CBC plus HMAC-SHA256) under the keys in the
FIELD_ENCRYPTION_KEY setting: the first key encrypts, every key decrypts, so keys can be rotated
by putting a new one in front and running `manage.py rotate_encryption_key`.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class SecretDecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretDecryptionError(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEY. Was the key changed "
            "without keeping the old one after it (comma-separated)?"
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a stored token under the newest key."""
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; an empty value stays empty so "not set" is visible.

    Only `isnull` and comparisons with "" make sense on ciphertext; do not filter on the value.
    """

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value: str | None, expression: object, connection: object) -> object:
        if value is None or value == "":
            return value
        return decrypt(value)
