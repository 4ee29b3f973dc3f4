"""Pulling one mailbox: claim it, read what is new in batches, store each batch with its
checkpoint, record progress for the page, and release it.

Two workers never pull the same mailbox at once: a pull claims it with a conditional UPDATE
(a lease renewed by every committed batch). A worker killed mid-batch loses its uncommitted
batch, which the next pull reads again from the last checkpoint; Message-IDs catch anything
stored twice. One hostile message never stops a batch: parse errors go to the quarantine, and a
batch the database refuses is retried message by message.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import timedelta
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError
from django.db.models import Q
from django.utils import timezone

from ..models import Mailbox, MailboxKind, MailboxSync, MaildirSeenKey, SyncState
from .parse import parse_mail, with_languages
from .sources import ImapSource, MaildirSource, MailSource, MailSourceError, PasswordLogin
from .store import CLAIM_LEASE, LostClaim, store_batch
from .types import ParsedMail, RawMail, UnparseableMail

log = logging.getLogger(__name__)

BATCH_SIZE = 200
# A beat pull that found nothing new leaves no progress record behind after this long.
EMPTY_SYNC_KEPT = timedelta(hours=1)


def batched(items: list[str], size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def claim(mailbox_id: int) -> str | None:
    """Claim the mailbox for one pull; None when another worker holds it (or it is disabled)."""
    token = secrets.token_hex(16)
    now = timezone.now()
    won = (
        Mailbox.objects.filter(pk=mailbox_id, enabled=True)
        .filter(Q(sync_claimed_until__isnull=True) | Q(sync_claimed_until__lt=now))
        .update(sync_claimed_until=now + CLAIM_LEASE, sync_claim_token=token)
    )
    return token if won else None


def release(mailbox_id: int, token: str) -> None:
    Mailbox.objects.filter(pk=mailbox_id, sync_claim_token=token).update(
        sync_claimed_until=None, sync_claim_token=""
    )


def maildir_path(mailbox: Mailbox) -> Path:
    """The mailbox's Maildir, which must lie inside MAILDIR_ROOT."""
    root = Path(settings.MAILDIR_ROOT).resolve()
    path = (root / mailbox.maildir_path).resolve()
    if not path.is_relative_to(root):
        raise MailSourceError("The Maildir must be inside the server's MAILDIR_ROOT directory.")
    return path


def open_source(mailbox: Mailbox) -> AbstractContextManager[MailSource]:
    if mailbox.kind == MailboxKind.MAILDIR:
        seen = set(
            MaildirSeenKey.objects.filter(mailbox=mailbox).values_list("key", flat=True).iterator()
        )
        return MaildirSource(maildir_path(mailbox), seen, settings.MAIL_MESSAGE_MAX_BYTES)
    return ImapSource(
        host=mailbox.imap_host,
        port=mailbox.imap_port,
        use_tls=mailbox.imap_use_tls,
        login=PasswordLogin(mailbox.imap_username, mailbox.imap_password),
        folder=mailbox.imap_folder or "INBOX",
        uidvalidity=mailbox.uidvalidity,
        last_uid=mailbox.last_uid,
        max_bytes=settings.MAIL_MESSAGE_MAX_BYTES,
    )


def parse_batch(raws: list[RawMail]) -> list[ParsedMail | UnparseableMail]:
    """`parse_safely` for a batch, detecting the buyers' languages in one parallel pass."""
    parsed = [parse_safely(raw, detect=False) for raw in raws]
    good = [i for i, mail in enumerate(parsed) if isinstance(mail, ParsedMail)]
    try:
        detected = with_languages([parsed[i] for i in good])
    except Exception:  # never lose a batch to language detection: keep the defaults
        log.warning("language detection failed for a batch", exc_info=True)
        return parsed
    for index, mail in zip(good, detected, strict=True):
        parsed[index] = mail
    return parsed


def parse_safely(raw: RawMail, *, detect: bool = True) -> ParsedMail | UnparseableMail:
    """Parse, turning every failure into an UnparseableMail that says why."""
    if raw.too_large:
        return UnparseableMail(
            f"The mail is larger than MAIL_MESSAGE_MAX_BYTES "
            f"({settings.MAIL_MESSAGE_MAX_BYTES:,} bytes): only its headers were fetched."
        )
    try:
        return parse_mail(
            raw.data,
            received_at=raw.received_at,
            max_attachment_bytes=settings.MAIL_ATTACHMENT_MAX_BYTES,
            detect=detect,
        )
    except UnparseableMail as exc:
        return exc
    except Exception as exc:  # RecursionError, MemoryError on a crafted mail, parser bugs
        log.warning("mail %s could not be parsed", raw.ref, exc_info=True)
        return UnparseableMail(f"The parser failed: {type(exc).__name__}: {exc}")


def pull_mailbox(
    mailbox_id: int, sync_id: int | None = None, *, batch_size: int = BATCH_SIZE
) -> MailboxSync | None:
    """Pull what is new in the mailbox. None when another pull holds it right now."""
    token = claim(mailbox_id)
    if token is None:
        return None
    try:
        mailbox = Mailbox.objects.get(pk=mailbox_id)
        sync = _start(mailbox, sync_id)
        error = ""
        try:
            _pull(mailbox, sync, token, batch_size)
        except MailSourceError as exc:
            error = str(exc)
        except LostClaim:
            error = "Another worker took over this mailbox; it continues from the last batch."
        except Exception as exc:
            log.exception("pulling mailbox %s failed", mailbox_id)
            error = f"Unexpected error: {type(exc).__name__}: {exc}"
        _finish(mailbox, sync, error)
        return sync
    finally:
        release(mailbox_id, token)


def _start(mailbox: Mailbox, sync_id: int | None) -> MailboxSync:
    now = timezone.now()
    # Runs left "running" by a killed worker: this pull carries on from their checkpoint.
    MailboxSync.objects.filter(mailbox=mailbox, state=SyncState.RUNNING).exclude(pk=sync_id).update(
        state=SyncState.FAILED,
        finished_at=now,
        error="Interrupted (the worker stopped); the next pull continued from the last batch.",
    )
    sync = MailboxSync.objects.filter(pk=sync_id, mailbox=mailbox).first() if sync_id else None
    if sync is None:
        sync = MailboxSync(mailbox=mailbox)
    sync.state = SyncState.RUNNING
    sync.started_at = sync.heartbeat_at = now
    sync.save()
    return sync


def _pull(mailbox: Mailbox, sync: MailboxSync, token: str, batch_size: int) -> None:
    with open_source(mailbox) as source:
        pending = source.pending()
        sync.total = len(pending)
        MailboxSync.objects.filter(pk=sync.pk).update(total=sync.total)
        chunks = list(batched(pending, batch_size))
        if not chunks:
            return
        # Fetch and parse the next batch on a second thread while this one is being stored:
        # the database round trips and lingua (which releases the GIL) overlap with parsing.
        # Only that thread touches the source; only this one touches the database.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-fetch") as reader:
            upcoming = reader.submit(_fetch_and_parse, source, chunks[0])
            for index, refs in enumerate(chunks):
                items = upcoming.result()
                if index + 1 < len(chunks):
                    upcoming = reader.submit(_fetch_and_parse, source, chunks[index + 1])
                _store(mailbox, items, source, refs, sync, token)


def _fetch_and_parse(source: MailSource, refs: list[str]) -> list:
    raws = source.fetch(refs)
    return list(zip(raws, parse_batch(raws), strict=True))


def _store(mailbox, items, source, refs, sync, token) -> None:
    checkpoint = source.checkpoint(refs)
    try:
        store_batch(mailbox, items, checkpoint, sync.pk, token)
        return
    except LostClaim:
        raise
    except IntegrityError:
        # Someone stored some of these meanwhile (another mailbox of the account created the
        # same thread): deduplication sees it now.
        try:
            store_batch(mailbox, items, checkpoint, sync.pk, token)
            return
        except (IntegrityError, DatabaseError, UnicodeError, ValueError):
            pass
    except (DatabaseError, UnicodeError, ValueError):
        log.warning("batch of mailbox %s refused; storing one by one", mailbox.pk, exc_info=True)
    _store_one_by_one(mailbox, items, source, refs, sync, token)


def _store_one_by_one(mailbox, items, source, refs, sync, token) -> None:
    """Find the message the database refuses and quarantine it; store the others."""
    fetched = {raw.ref for raw, _ in items}
    by_ref = {raw.ref: (raw, mail) for raw, mail in items}
    for ref in refs:
        checkpoint = source.checkpoint([ref])
        if ref not in fetched:
            store_batch(mailbox, [], checkpoint, None, token)
            continue
        raw, mail = by_ref[ref]
        try:
            store_batch(mailbox, [(raw, mail)], checkpoint, sync.pk, token)
        except LostClaim:
            raise
        except (DatabaseError, UnicodeError, ValueError) as exc:
            log.warning("mail %s of mailbox %s refused by the database", ref, mailbox.pk)
            refused = UnparseableMail(f"The database refused this mail: {exc}")
            store_batch(mailbox, [(raw, refused)], checkpoint, sync.pk, token)


def _finish(mailbox: Mailbox, sync: MailboxSync, error: str) -> None:
    now = timezone.now()
    sync.refresh_from_db()
    sync.state = SyncState.FAILED if error else SyncState.DONE
    sync.finished_at = now
    sync.error = error
    sync.save(update_fields=["state", "finished_at", "error"])
    fields = {"last_sync_at": now, "last_error": error}
    if not error:
        fields["last_success_at"] = now
    Mailbox.objects.filter(pk=mailbox.pk).update(**fields)
    # Beat pulls every minute; keep the ones that did something, were asked for, or failed.
    MailboxSync.objects.filter(
        mailbox=mailbox,
        state=SyncState.DONE,
        processed=0,
        requested_by__isnull=True,
        finished_at__lt=now - EMPTY_SYNC_KEPT,
    ).delete()
