"""Mailboxes, buyer threads, messages, attachments, tags and reply templates."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Marketplace, SellerAccount
from helpdesk.lib.fields import EncryptedTextField
from orders.models import Order

# Amazon measures the seller on answering every buyer message within 24 calendar hours.
RESPONSE_WINDOW = timedelta(hours=24)

# PostgreSQL text search configuration per message language (two-letter code); languages
# without a stemmer of their own (Chinese, Japanese, ...) use "simple". Changing this mapping
# needs a migration that recreates Message.search_vector.
SEARCH_CONFIGS = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}


def _search_config_sql(column: str) -> str:
    # Each branch is a regconfig constant, so the whole expression stays immutable (a
    # requirement of generated columns); a text-to-regconfig cast of the column would not be.
    branches = " ".join(
        f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in SEARCH_CONFIGS.items()
    )
    return f"CASE lower(left({column}, 2)) {branches} ELSE 'simple'::regconfig END"


MESSAGE_SEARCH_SQL = (
    f"to_tsvector({_search_config_sql('language')}, "
    "coalesce(left(subject, 1000), '') || ' ' || coalesce(left(text, 100000), ''))"
)
THREAD_SEARCH_SQL = (
    "to_tsvector('simple'::regconfig, coalesce(buyer_name, '') || ' ' || "
    "replace(coalesce(buyer_alias, ''), '@', ' ') || ' ' || coalesce(left(subject, 1000), ''))"
)


class MailboxKind(models.TextChoices):
    IMAP = "imap", _("IMAP")
    MAILDIR = "maildir", _("Local Maildir")


class SmtpSecurity(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS")
    TLS = "tls", _("TLS (implicit)")
    NONE = "none", _("None (local relay only)")


class Mailbox(models.Model):
    """Where a seller account's buyer mail arrives: an IMAP folder or a local Maildir."""

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="mailboxes"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(max_length=8, choices=MailboxKind.choices)
    # The address registered with Amazon; replies are sent from it to the buyer's alias.
    email_address = models.EmailField(_("registered email address"))
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_use_tls = models.BooleanField(default=True)
    imap_username = models.CharField(max_length=255, blank=True)
    imap_password = EncryptedTextField(blank=True)
    imap_folder = models.CharField(max_length=255, default="INBOX")
    maildir_path = models.CharField(max_length=1024, blank=True)
    # Outgoing mail: replies leave through the seller's own SMTP server, from email_address.
    smtp_host = models.CharField(max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_security = models.CharField(
        max_length=8, choices=SmtpSecurity.choices, default=SmtpSecurity.STARTTLS
    )
    smtp_username = models.CharField(max_length=255, blank=True)
    smtp_password = EncryptedTextField(blank=True)
    # IMAP checkpoint: a new UIDVALIDITY invalidates last_uid (the folder was recreated).
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # One worker pulls a mailbox at a time: it claims the mailbox with a conditional UPDATE
    # until this lease runs out (renewed after every batch, so a killed worker's claim lapses).
    sync_claimed_until = models.DateTimeField(null=True, blank=True)
    sync_claim_token = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.name} <{self.email_address}>"


class Tag(models.Model):
    seller_account = models.ForeignKey(SellerAccount, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=50)
    color = models.CharField(max_length=7, default="#6b7280")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "seller_account", Lower("name"), name="tag_account_name_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ThreadStatus(models.TextChoices):
    NEEDS_REPLY = "needs_reply", _("Needs reply")
    REPLIED = "replied", _("Replied")
    NO_RESPONSE_NEEDED = "no_response_needed", _("No response needed")
    CLOSED = "closed", _("Closed")


class Thread(models.Model):
    """A conversation with one buyer alias, usually about one order."""

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="threads"
    )
    marketplace = models.ForeignKey(
        Marketplace, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    buyer_alias = models.CharField(max_length=254)  # e.g. abc123xyz@marketplace.amazon.de
    buyer_name = models.CharField(max_length=200, blank=True)
    amazon_order_id = models.CharField(max_length=32, blank=True)  # empty: a pre-sale question
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    subject = models.TextField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    snippet = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=ThreadStatus.choices, default=ThreadStatus.NEEDS_REPLY
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    no_response_reason = models.CharField(max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_threads",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads")
    # The 24-hour clock: started by the oldest unanswered buyer message, stopped by a reply.
    clock_started_at = models.DateTimeField(null=True, blank=True)
    response_deadline = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Buyer name, alias and subject for the inbox search box ("simple": names are not stemmed).
    search_document = models.GeneratedField(
        expression=RawSQL(THREAD_SEARCH_SQL, (), output_field=SearchVectorField()),  # noqa: S611
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller_account", "buyer_alias", "amazon_order_id"],
                name="thread_account_alias_order_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(clock_started_at__isnull=True, response_deadline__isnull=True)
                    | models.Q(clock_started_at__isnull=False, response_deadline__isnull=False)
                ),
                name="thread_clock_and_deadline_together",
            ),
        ]
        indexes = [
            models.Index(
                fields=["seller_account", "status", "response_deadline"],
                name="thread_inbox_deadline_idx",
            ),
            models.Index(
                fields=["seller_account", "-last_activity_at"], name="thread_account_activity_idx"
            ),
            models.Index(fields=["amazon_order_id"], name="thread_order_id_idx"),
            models.Index(fields=["buyer_alias"], name="thread_buyer_alias_idx"),
            models.Index(fields=["assignee", "status"], name="thread_assignee_status_idx"),
            # Keyset pagination of the inbox: one index per sort order, id as the tie-breaker.
            models.Index(
                fields=["seller_account", "status", "response_deadline", "id"],
                name="thread_inbox_deadline_key_idx",
            ),
            models.Index(
                fields=["seller_account", "status", "last_activity_at", "id"],
                name="thread_inbox_status_key_idx",
            ),
            models.Index(
                fields=["seller_account", "last_activity_at", "id"],
                name="thread_inbox_activity_key_idx",
            ),
            GinIndex(fields=["search_document"], name="thread_search_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_name or self.buyer_alias} {self.amazon_order_id}".strip()

    def start_clock(self, at: datetime) -> None:
        """Start the 24-hour clock at `at` unless it is already running from earlier."""
        if self.clock_started_at is None or at < self.clock_started_at:
            self.clock_started_at = at
            self.response_deadline = at + RESPONSE_WINDOW

    def stop_clock(self) -> None:
        self.clock_started_at = None
        self.response_deadline = None


class Direction(models.TextChoices):
    INBOUND = "in", _("From the buyer")
    OUTBOUND = "out", _("To the buyer")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email through Amazon's relay")
    SP_API = "sp_api", _("Amazon Messaging API")


class OutgoingState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NEEDS_CHECK = "needs_check", _("Needs check")
    REJECTED = "rejected", _("Rejected by Amazon")


class Message(models.Model):
    """One message in a thread, from the buyer (inbound) or from the seller (outbound)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    # RFC 5322 Message-ID (without angle brackets), unique per mailbox.
    message_id = models.TextField(blank=True)
    in_reply_to = models.TextField(blank=True)
    references = models.TextField(blank=True)
    from_address = models.CharField(max_length=254, blank=True)
    to_address = models.CharField(max_length=254, blank=True)
    subject = models.TextField(blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)  # sanitised with nh3 before it is stored
    language = models.CharField(max_length=10, blank=True)
    # When it happened for the buyer: received (inbound) or written by the agent (outbound).
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Inbound only: when the first seller reply after it was sent (Amazon's response time ends
    # there), or when it was marked "No Response Needed" (it then leaves the measure).
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="answered_messages"
    )
    no_response_needed_at = models.DateTimeField(null=True, blank=True)
    outgoing_state = models.CharField(max_length=12, choices=OutgoingState.choices, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    rejection_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker claimed it for sending (queued -> sending); a message left in "sending"
    # long after this was interrupted mid-send and goes to "needs check", never resent.
    send_started_at = models.DateTimeField(null=True, blank=True)
    # Full-text search in the message's own language (see SEARCH_CONFIGS).
    search_vector = models.GeneratedField(
        expression=RawSQL(MESSAGE_SEARCH_SQL, (), output_field=SearchVectorField()),  # noqa: S611
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "message_id"],
                condition=~models.Q(message_id=""),
                name="message_mailbox_message_id_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(direction="in", outgoing_state="")
                    | models.Q(direction="out") & ~models.Q(outgoing_state="")
                ),
                name="message_outgoing_state_only_outbound",
            ),
        ]
        indexes = [
            models.Index(fields=["thread", "occurred_at"], name="message_thread_time_idx"),
            models.Index(fields=["message_id"], name="message_message_id_idx"),
            models.Index(
                fields=["outgoing_state", "created_at"],
                condition=models.Q(outgoing_state__in=["queued", "sending", "failed"]),
                name="message_outbox_idx",
            ),
            # Response metrics read a seller's buyer messages by the day they were received.
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(direction="in"),
                name="message_inbound_time_idx",
            ),
            GinIndex(fields=["search_vector"], name="message_search_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.subject}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under the checksum, never under the buyer-supplied name.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=127)
    sha256 = models.CharField(max_length=64)
    is_inline = models.BooleanField(default=False)
    # Set when the file was not stored (over the size cap): the record says what was left out.
    skipped_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["sha256"], name="attachment_sha256_idx")]

    def __str__(self) -> str:
        return self.filename


class ReplyTemplate(models.Model):
    """A saved reply with placeholders such as {buyer_name} and {order_id}."""

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="reply_templates"
    )
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=10)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller_account", "name", "language"], name="reply_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class SyncState(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MailboxSync(models.Model):
    """One pull of a mailbox: the progress record the page polls, and what the pull did."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="syncs")
    state = models.CharField(max_length=8, choices=SyncState.choices, default=SyncState.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)  # messages found to fetch
    processed = models.PositiveIntegerField(default=0)
    buyer_messages = models.PositiveIntegerField(default=0)
    notices = models.PositiveIntegerField(default=0)
    rejections = models.PositiveIntegerField(default=0)  # replies Amazon refused, matched back
    duplicates = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["mailbox", "-created_at"], name="mailbox_sync_recent_idx")]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.get_state_display()} {self.processed}/{self.total}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.processed / self.total)) if self.total else 0


class MaildirSeenKey(models.Model):
    """A Maildir message already ingested: the Maildir checkpoint (IMAP uses UIDs instead).

    Written in the same transaction as the messages it stands for."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "key"], name="maildir_seen_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class NoticeKind(models.TextChoices):
    SYSTEM_NOTICE = "system_notice", _("Amazon notice")
    DELIVERY_FAILURE = "delivery_failure", _("Delivery failure")


class SystemNotice(models.Model):
    """Mail in the seller's mailbox that is not a buyer message: Amazon's order, shipping and
    policy mail, and delivery failures. Kept out of the inbox and out of the metrics."""

    seller_account = models.ForeignKey(
        SellerAccount, on_delete=models.CASCADE, related_name="system_notices"
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    message_id = models.TextField()
    from_address = models.CharField(max_length=254, blank=True)
    from_amazon = models.BooleanField(default=False)
    subject = models.TextField(blank=True)
    text = models.TextField(blank=True)
    notification_type = models.CharField(max_length=64, blank=True)
    amazon_order_id = models.CharField(max_length=32, blank=True)
    received_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Delivery failures: the reply they reject (when found) and the reason given.
    rejected_message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="rejections"
    )
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "message_id"], name="system_notice_mailbox_message_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["seller_account", "-received_at"], name="notice_account_time_idx")
        ]

    def __str__(self) -> str:
        return self.subject


def quarantine_path(instance: "QuarantinedMail", filename: str) -> str:
    return f"quarantine/{instance.sha256[:2]}/{instance.sha256}.eml"


class QuarantinedMail(models.Model):
    """A mail that could not be read, kept byte for byte so an admin can inspect and retry it."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="quarantine")
    source_ref = models.CharField(max_length=255, blank=True)  # IMAP UID or Maildir key
    raw = models.FileField(upload_to=quarantine_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    from_address = models.CharField(max_length=254, blank=True)
    subject = models.TextField(blank=True)
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "sha256"], name="quarantine_mailbox_sha_unique"
            )
        ]
        indexes = [models.Index(fields=["mailbox", "-created_at"], name="quarantine_recent_idx")]

    def __str__(self) -> str:
        return self.subject or self.sha256


class ThreadReadState(models.Model):
    """When a user last opened a thread: buyer messages stored after it are unread for them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_state_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} at {self.read_at:%Y-%m-%d %H:%M}"


class ReplyDraft(models.Model):
    """A reply being written: one per thread and user, saved as the agent types."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="reply_draft_unique"),
        ]

    def __str__(self) -> str:
        return f"draft of {self.user_id} on {self.thread_id}"
