"""Sending queued replies by SMTP, through the seller's own mailbox, exactly once.

A reply moves queued -> sending -> sent, or -> failed (retried with backoff, then shown), or
-> needs_check. The step into "sending" is a conditional UPDATE, so of several workers holding
the same task only one sends. Once the SMTP DATA command has started we can no longer tell
whether the buyer got the mail unless the server answers: a worker that dies there, or a
connection that breaks there, leaves the reply in "sending", and the recovery task moves it to
"needs check" for a person to decide. Nothing here ever sends a reply twice on its own.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from enum import StrEnum

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import services
from .models import Channel, Direction, Mailbox, Message, OutgoingState, SmtpSecurity

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SMTP_TIMEOUT_SECONDS = 60
# A reply still "sending" this long after it was claimed was interrupted mid-send.
SENDING_STALE_AFTER = timedelta(minutes=5)
# A reply still "queued" this long lost its task (broker down at commit): hand it over again.
QUEUED_STALE_AFTER = timedelta(minutes=2)


def backoff_seconds(attempt: int) -> int:
    """Wait before the next attempt: 30 s, 2 min, 8 min, 32 min."""
    return 30 * 4 ** max(0, attempt - 1)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # failed for now; try again after backoff_seconds()
    FAILED = "failed"  # failed for good until a person resends it
    NEEDS_CHECK = "needs_check"  # may or may not have reached the buyer
    NOT_CLAIMED = "not_claimed"  # someone else has it, or it is no longer sendable


class _Ambiguous(Exception):
    """The connection broke after the message data started: delivery unknown."""


class _Refused(Exception):
    """The SMTP server refused (or could not be reached); `permanent` for 5xx answers."""

    def __init__(self, error: str, permanent: bool) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent


def claim(message_id: int) -> bool:
    """Move the reply from queued (or failed with attempts left) to sending; True if we won."""
    claimable = Q(outgoing_state=OutgoingState.QUEUED) | Q(
        outgoing_state=OutgoingState.FAILED, send_attempts__lt=MAX_ATTEMPTS
    )
    updated = (
        Message.objects.filter(claimable, pk=message_id, direction=Direction.OUTBOUND)
        .filter(channel=Channel.EMAIL)
        .update(
            outgoing_state=OutgoingState.SENDING,
            send_attempts=F("send_attempts") + 1,
            send_started_at=timezone.now(),
        )
    )
    return updated == 1


def build_email(message: Message) -> EmailMessage:
    """The RFC 5322 message: plain text, from the registered address to the buyer's alias."""
    email = EmailMessage()
    email["From"] = message.from_address
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.occurred_at)
    email["Message-ID"] = f"<{message.message_id}>"
    if message.in_reply_to:
        email["In-Reply-To"] = f"<{message.in_reply_to}>"
    if message.references:
        email["References"] = message.references
    email.set_content(message.text)
    for attachment in message.attachments.order_by("id"):
        maintype, _, subtype = attachment.content_type.partition("/")
        with attachment.file.open("rb") as handle:
            email.add_attachment(
                handle.read(),
                maintype=maintype or "application",
                subtype=subtype or "octet-stream",
                filename=attachment.filename,
            )
    return email


def _connect(mailbox: Mailbox) -> smtplib.SMTP:
    if mailbox.smtp_security == SmtpSecurity.TLS:
        return smtplib.SMTP_SSL(
            mailbox.smtp_host,
            mailbox.smtp_port,
            timeout=SMTP_TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    smtp = smtplib.SMTP(mailbox.smtp_host, mailbox.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    if mailbox.smtp_security == SmtpSecurity.STARTTLS:
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def _refused(error: smtplib.SMTPException) -> _Refused:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in error.recipients.values()]
        code = codes[0] if codes else None
    return _Refused(str(error), permanent=bool(code and 500 <= code < 600))


def deliver(message: Message, mailbox: Mailbox) -> None:
    """Hand the reply to the mailbox's SMTP server.

    Raises _Refused when the server clearly did not take it (safe to retry or give up) and
    _Ambiguous when the connection failed after the data started (must not be retried).
    """
    email = build_email(message)
    try:
        smtp = _connect(mailbox)
    except (OSError, smtplib.SMTPException) as error:
        raise _Refused(f"Could not connect to {mailbox.smtp_host}: {error}", False) from error
    try:
        try:
            smtp.ehlo_or_helo_if_needed()
            if mailbox.smtp_username:
                smtp.login(mailbox.smtp_username, mailbox.smtp_password)
            code, reply = smtp.mail(message.from_address)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, message.from_address)
            code, reply = smtp.rcpt(message.to_address)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({message.to_address: (code, reply)})
        except smtplib.SMTPException as error:
            raise _refused(error) from error
        except OSError as error:
            raise _Refused(f"Connection lost before sending: {error}", False) from error
        try:
            code, reply = smtp.data(email.as_bytes())
        except smtplib.SMTPDataError as error:
            raise _refused(error) from error
        except (OSError, smtplib.SMTPException) as error:
            raise _Ambiguous(str(error)) from error
        if code != 250:
            raise _Refused(f"{code} {reply!r}", permanent=500 <= code < 600)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def send_queued_reply(message_id: int) -> Outcome:
    """Send one queued reply if this caller wins the claim. Never sends a reply twice."""
    if not claim(message_id):
        return Outcome.NOT_CLAIMED
    message = Message.objects.select_related("mailbox", "thread").get(pk=message_id)
    try:
        if message.mailbox is None or not message.mailbox.smtp_host:
            raise _Refused("The mailbox has no SMTP server configured.", permanent=True)
        deliver(message, message.mailbox)
    except _Ambiguous as error:
        _finish(message_id, OutgoingState.NEEDS_CHECK, f"Connection broke while sending: {error}")
        return Outcome.NEEDS_CHECK
    except _Refused as refused:
        retry = not refused.permanent and message.send_attempts < MAX_ATTEMPTS
        _finish(message_id, OutgoingState.FAILED, refused.error, give_up=not retry)
        return Outcome.RETRY if retry else Outcome.FAILED
    # The server took it. If we die before this commits, the reply stays "sending" and the
    # recovery task marks it "needs check": never "queued" again.
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        services.record_reply_sent(message, timezone.now())
    return Outcome.SENT


def _finish(message_id: int, state: str, error: str, give_up: bool = False) -> None:
    fields = {"outgoing_state": state, "last_error": error[:2000]}
    if give_up:
        fields["send_attempts"] = MAX_ATTEMPTS
    Message.objects.filter(pk=message_id, outgoing_state=OutgoingState.SENDING).update(**fields)
    logger.warning("Reply %s: %s (%s)", message_id, state, error)


@dataclass
class Recovery:
    needs_check: list[int]
    requeued: list[int]


def recover(now=None, sending_stale_after: timedelta = SENDING_STALE_AFTER) -> Recovery:
    """Move replies stuck in "sending" to "needs check" and hand lost queued ones over again."""
    now = now or timezone.now()
    stuck = list(
        Message.objects.filter(
            outgoing_state=OutgoingState.SENDING, send_started_at__lt=now - sending_stale_after
        ).values_list("pk", flat=True)
    )
    if stuck:
        Message.objects.filter(pk__in=stuck, outgoing_state=OutgoingState.SENDING).update(
            outgoing_state=OutgoingState.NEEDS_CHECK,
            last_error="The worker stopped while sending; the buyer may or may not have it.",
        )
    lost = list(
        Message.objects.filter(
            Q(outgoing_state=OutgoingState.QUEUED, created_at__lt=now - QUEUED_STALE_AFTER)
            | Q(
                outgoing_state=OutgoingState.FAILED,
                send_attempts__lt=MAX_ATTEMPTS,
                send_started_at__lt=now - timedelta(seconds=backoff_seconds(MAX_ATTEMPTS)),
            ),
            direction=Direction.OUTBOUND,
        ).values_list("pk", flat=True)[:500]
    )
    for message_id in lost:
        services.enqueue_send(message_id)
    return Recovery(needs_check=stuck, requeued=lost)
