"""Second factors for signing in, built on django-otp's device framework.

We keep our own device models rather than django-otp's plugins so the authenticator secret is
encrypted at rest (like every other secret here) and recovery codes are stored only as keyed
hashes: a copy of the database alone lets nobody sign in.
"""

import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.db import models
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from helpdesk.lib.fields import EncryptedTextField

RECOVERY_CODE_COUNT = 10
# After each wrong code the next try waits THROTTLE_FACTOR * 2**(failures - 1) seconds.
THROTTLE_FACTOR = 1
# No 0/o, 1/l/i: codes are copied from paper.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238: 6 digits every 30 seconds).

    A device is created unconfirmed when enrolment starts and confirmed once the person has
    typed a code from their app; only confirmed devices count for signing in.
    """

    key = EncryptedTextField()  # hex, 20 random bytes
    step = 30
    digits = 6
    tolerance = 1  # accept the previous and the next code: phones' clocks drift
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)  # a code is accepted once

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.key:
            self.key = random_hex(20)
        super().save(*args, **kwargs)

    def get_throttle_factor(self) -> int:
        return THROTTLE_FACTOR

    @property
    def secret_base32(self) -> str:
        """The secret as people type it into an authenticator app by hand."""
        return b32encode(unhexlify(self.key.encode())).decode()

    def config_url(self, issuer: str) -> str:
        """The otpauth:// address the QR code carries (Google's Key Uri Format)."""
        issuer = issuer.replace(":", "")
        label = quote(f"{issuer}:{self.user.get_username()}")
        params = urlencode({"secret": self.secret_base32, "digits": self.digits})
        return f"otpauth://totp/{label}?{params}&period={self.step}&issuer={quote(issuer)}"

    def verify_token(self, token: object) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            code = int(str(token).strip().replace(" ", ""))
        except ValueError:
            code = None
        totp = TOTP(unhexlify(self.key.encode()), self.step, 0, self.digits, self.drift)
        totp.time = time.time()
        if code is not None and totp.verify(code, self.tolerance, self.last_t + 1):
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code).lower() if ch.isalnum())


def hash_recovery_code(code: str) -> str:
    # Keyed with SECRET_KEY: the codes are random, so a fast keyed hash is enough.
    return salted_hmac("accounts.recovery-code", _normalise_code(code)).hexdigest()


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """One-time recovery codes for when the phone is lost; each code works once."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def get_throttle_factor(self) -> int:
        return THROTTLE_FACTOR

    def replace_codes(self) -> list[str]:
        """Forget every earlier code and return a new set (shown to the person once)."""
        codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
        self.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=self, code_hash=hash_recovery_code(code)) for code in codes
        )
        return codes

    def verify_token(self, token: object) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        # Deleting the row is the check: two requests racing with one code cannot both win.
        used, _ = self.codes.filter(code_hash=hash_recovery_code(str(token))).delete()
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["device", "code_hash"], name="recovery_code_lookup_idx")]

    def __str__(self) -> str:
        return "recovery code"  # the code itself is never stored
