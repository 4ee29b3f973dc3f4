"""People, seller accounts and who may do what in which account."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.lib.fields import EncryptedTextField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=email.strip().lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # Sign-in is case-insensitive: "Anna@Shop.de" and "anna@shop.de" are one person.
        return self.get(email__iexact=(username or "").strip())

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: owner, admin, agent or read-only sub-user (see Membership)."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name or self.email).split()[0]


class Region(models.TextChoices):
    NA = "NA", _("North America")
    EU = "EU", _("Europe")
    FE = "FE", _("Far East")


class Marketplace(models.Model):
    """An Amazon marketplace (reference data, seeded from accounts/marketplaces.py)."""

    id = models.CharField(primary_key=True, max_length=20)  # e.g. ATVPDKIKX0DER
    country_code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=64)
    region = models.CharField(max_length=2, choices=Region.choices)
    alias_domain = models.CharField(max_length=64, blank=True)
    alias_domain_verified = models.BooleanField(default=False)
    default_language = models.CharField(max_length=10)
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["country_code"]

    def __str__(self) -> str:
        return f"{self.country_code} ({self.id})"


class ConnectionState(models.TextChoices):
    NOT_CONNECTED = "not_connected", _("Not connected")
    CONNECTED = "connected", _("Connected")
    NEEDS_REAUTHORISATION = "needs_reauthorisation", _("Needs re-authorisation")
    ERROR = "error", _("Connection error")


class OrdersApiVersion(models.TextChoices):
    V2026_01_01 = "2026-01-01", _("Orders API v2026-01-01")
    V0 = "v0", _("Orders API v0 (retired by Amazon on 2027-03-27)")


class SellerAccount(models.Model):
    """One Amazon seller (a selling-partner id in one region) and its SP-API connection."""

    name = models.CharField(_("name"), max_length=120)
    region = models.CharField(_("region"), max_length=2, choices=Region.choices)
    merchant_id = models.CharField(_("merchant id"), max_length=32, blank=True)
    marketplaces = models.ManyToManyField(Marketplace, blank=True, related_name="seller_accounts")
    lwa_client_id = models.CharField(_("LWA client id"), max_length=200, blank=True)
    lwa_client_secret = EncryptedTextField(_("LWA client secret"), blank=True)
    refresh_token = EncryptedTextField(_("SP-API refresh token"), blank=True)
    orders_api_version = models.CharField(
        max_length=10, choices=OrdersApiVersion.choices, default=OrdersApiVersion.V2026_01_01
    )
    connection_state = models.CharField(
        max_length=24, choices=ConnectionState.choices, default=ConnectionState.NOT_CONNECTED
    )
    connection_error = models.TextField(blank=True)
    connection_checked_at = models.DateTimeField(null=True, blank=True)
    # Where to reach Amazon; empty means Amazon's own (the demo points these at the sandbox).
    sp_api_endpoint = models.URLField(_("SP-API endpoint"), blank=True)
    lwa_endpoint = models.URLField(_("Login with Amazon endpoint"), blank=True)
    # The seller's own time zone, for daily figures on the dashboard.
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by an owner: every member must sign in with a second factor.
    require_two_factor = models.BooleanField(_("two-factor authentication required"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant_id", "region"],
                condition=~models.Q(merchant_id=""),
                name="seller_account_merchant_region_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    AGENT = "agent", _("Agent")
    READ_ONLY = "read_only", _("Read-only")


class Membership(models.Model):
    """A user's role in one seller account, optionally narrowed to marketplaces or assignments."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    # Empty means every marketplace of the account.
    marketplaces = models.ManyToManyField(Marketplace, blank=True, related_name="+")
    assigned_only = models.BooleanField(
        default=False, help_text=_("Agent sees only threads assigned to them.")
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "seller_account"], name="membership_user_account_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.seller_account}"


class AuditEvent(models.Model):
    """Who did what, when: sign-ins, replies, NRN marks, assignments, role and secret changes."""

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)  # e.g. "thread.no_response_needed"
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["seller_account", "-at"], name="audit_account_time_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"


class Invitation(models.Model):
    """An offer of a membership, sent by email as a signed link that expires.

    The link carries the invitation's id and `nonce` signed with a timestamp (see
    accounts.invitations); sending it again changes the nonce, so an older link stops working.
    """

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    marketplaces = models.ManyToManyField(Marketplace, blank=True, related_name="+")
    assigned_only = models.BooleanField(_("only threads assigned to them"), default=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "seller_account",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.seller_account}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class UserSession(AbstractBaseSession):
    """A database session that knows whose it is, so a person's sessions can be ended at once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )

    @classmethod
    def get_session_store_class(cls) -> type:
        from .sessions import SessionStore

        return SessionStore


# Second-factor devices live in their own module; importing them here registers the models.
from .devices import AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice  # noqa: E402, F401
