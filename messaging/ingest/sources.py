"""Fetching raw mail: an IMAP folder (imapclient, over TLS) or a local Maildir directory.

Sources only read: IMAP folders are opened read-only and fetched with BODY.PEEK (the seller's
\\Seen flags stay as they are); Maildir files are neither moved nor renamed. What has been
ingested is remembered by the caller in checkpoints (UIDVALIDITY/UID, Maildir keys).
"""

from __future__ import annotations

import contextlib
import os
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from .types import RawMail

HEADER_READ_LIMIT = 256 * 1024  # bytes read from an oversized Maildir file to find its headers
IMAP_FETCH_BYTES = 20 * 1024 * 1024  # fetch at most about this much per IMAP round trip


LOOPBACK = {"localhost", "127.0.0.1", "::1"}  # a local relay may speak plain IMAP


class MailSourceError(Exception):
    """The mailbox cannot be read (connection, login, folder, path); shown on the page."""


@dataclass(frozen=True)
class Checkpoint:
    """How far a batch got, committed with it: an IMAP UID or the Maildir keys it covered."""

    uidvalidity: int | None = None
    last_uid: int | None = None
    maildir_keys: tuple[str, ...] = ()


class MailSource(Protocol):
    def pending(self) -> list[str]:
        """References of the messages not ingested yet, oldest first."""

    def fetch(self, refs: list[str]) -> list[RawMail]:
        """The raw messages for `refs` (a message that vanished meanwhile is left out)."""

    def checkpoint(self, refs: list[str]) -> Checkpoint:
        """The checkpoint to commit once every message in `refs` is stored."""


# --- Maildir ----------------------------------------------------------------------------------


def maildir_key(filename: str) -> str:
    """The stable part of a Maildir file name: flags after ':' (or '!' on some systems) change
    when a mail client reads the message and moves it from new/ to cur/."""
    return filename.split(":", 1)[0].split("!", 1)[0]


@dataclass
class MaildirSource:
    path: Path
    seen: set[str]
    max_bytes: int
    _files: dict[str, Path] = field(default_factory=dict, repr=False)

    def __enter__(self) -> MaildirSource:
        if not (self.path / "cur").is_dir() or not (self.path / "new").is_dir():
            raise MailSourceError(f"{self.path.name!r} is not a Maildir (no cur/ and new/).")
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _scan(self) -> dict[str, tuple[float, str, Path]]:
        found: dict[str, tuple[float, str, Path]] = {}
        for sub in ("new", "cur"):
            try:
                entries = list(os.scandir(self.path / sub))
            except OSError as exc:
                raise MailSourceError(f"Cannot read the Maildir: {exc.strerror}.") from exc
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                key = maildir_key(entry.name)
                try:
                    mtime = entry.stat().st_mtime
                except FileNotFoundError:
                    continue
                found[key] = (mtime, entry.name, Path(entry.path))
        return found

    def pending(self) -> list[str]:
        found = self._scan()
        self._files = {key: item[2] for key, item in found.items()}
        todo = [key for key in found if key not in self.seen]
        todo.sort(key=lambda key: (found[key][0], found[key][1]))
        return todo

    def _read(self, key: str) -> tuple[bytes, float, bool] | None:
        for attempt in range(2):
            path = self._files.get(key)
            try:
                if path is None:
                    raise FileNotFoundError
                stat = path.stat()
                with path.open("rb") as handle:
                    if stat.st_size > self.max_bytes:
                        head = handle.read(HEADER_READ_LIMIT)
                        end = head.find(b"\n\n") if b"\n\n" in head else head.find(b"\r\n\r\n")
                        return (head[: end + 2] if end >= 0 else head), stat.st_mtime, True
                    return handle.read(), stat.st_mtime, False
            except FileNotFoundError:
                if attempt == 0:  # a mail client moved it (new/ -> cur/) meanwhile: look again
                    self._files = {k: item[2] for k, item in self._scan().items()}
        return None  # deleted by the seller before we read it

    def fetch(self, refs: list[str]) -> list[RawMail]:
        out = []
        for key in refs:
            read = self._read(key)
            if read is None:
                continue
            data, mtime, too_large = read
            out.append(
                RawMail(
                    ref=key,
                    data=data,
                    received_at=datetime.fromtimestamp(mtime, UTC),
                    too_large=too_large,
                )
            )
        return out

    def checkpoint(self, refs: list[str]) -> Checkpoint:
        return Checkpoint(maildir_keys=tuple(refs))


# --- IMAP -------------------------------------------------------------------------------------


class ImapLogin(Protocol):
    def authenticate(self, client: IMAPClient) -> None: ...


@dataclass(frozen=True)
class PasswordLogin:
    username: str
    password: str = field(repr=False)

    def authenticate(self, client: IMAPClient) -> None:
        client.login(self.username, self.password)


@dataclass(frozen=True)
class OAuth2Login:
    """XOAUTH2 (Gmail, Microsoft 365): the access token is obtained and refreshed elsewhere."""

    username: str
    access_token: str = field(repr=False)

    def authenticate(self, client: IMAPClient) -> None:
        client.oauth2_login(self.username, self.access_token)


@dataclass
class ImapSource:
    host: str
    port: int
    use_tls: bool
    login: ImapLogin
    folder: str
    uidvalidity: int | None  # from the last sync; a different value means the folder was rebuilt
    last_uid: int
    max_bytes: int
    timeout: float = 60.0
    client: IMAPClient | None = field(default=None, repr=False)
    current_uidvalidity: int | None = None

    def __enter__(self) -> ImapSource:
        try:
            context = ssl.create_default_context()
            self.client = IMAPClient(
                self.host,
                port=self.port,
                ssl=self.use_tls,
                ssl_context=context if self.use_tls else None,
                timeout=self.timeout,
            )
            if not self.use_tls:
                if b"STARTTLS" in self.client.capabilities():
                    self.client.starttls(context)
                elif self.host not in LOOPBACK:
                    raise MailSourceError(
                        f"{self.host} offers no TLS: the password will not be sent unencrypted."
                    )
            self.login.authenticate(self.client)
            status = self.client.select_folder(self.folder, readonly=True)
        except MailSourceError:
            self._close()
            raise
        except LoginError as exc:
            self._close()
            raise MailSourceError(f"The IMAP server refused the login: {_text(exc)}") from exc
        except (TimeoutError, IMAPClientError, OSError, ssl.SSLError) as exc:
            self._close()
            raise MailSourceError(
                f"Cannot read {self.folder!r} on {self.host}:{self.port}: {_text(exc)}"
            ) from exc
        self.current_uidvalidity = int(status.get(b"UIDVALIDITY", 0)) or None
        if self.uidvalidity is not None and self.current_uidvalidity != self.uidvalidity:
            self.last_uid = 0  # UIDs were reassigned: read everything again, Message-IDs dedupe
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.client is None:
            return
        try:
            self.client.logout()
        except Exception:  # already broken: nothing left to close politely
            with contextlib.suppress(Exception):
                self.client.shutdown()
        self.client = None

    def _call(self, what: str, func, *args):
        try:
            return func(*args)
        except (TimeoutError, IMAPClientError, OSError, ssl.SSLError) as exc:
            raise MailSourceError(f"IMAP {what} failed: {_text(exc)}") from exc

    def pending(self) -> list[str]:
        assert self.client is not None
        uids = self._call("search", self.client.search, ["UID", f"{self.last_uid + 1}:*"])
        # "N:*" always matches the newest message, even when its UID is below N.
        return [str(uid) for uid in sorted(uids) if uid > self.last_uid]

    def fetch(self, refs: list[str]) -> list[RawMail]:
        assert self.client is not None
        uids = [int(ref) for ref in refs]
        sizes = self._call("fetch", self.client.fetch, uids, ["RFC822.SIZE", "INTERNALDATE"])
        out: list[RawMail] = []
        group: list[int] = []
        group_bytes = 0
        for uid in uids:
            if uid not in sizes:
                continue  # expunged meanwhile
            size = int(sizes[uid].get(b"RFC822.SIZE", 0))
            if size > self.max_bytes:
                out.extend(self._fetch_group([uid], sizes, b"BODY.PEEK[HEADER]", b"BODY[HEADER]"))
                continue
            if group and group_bytes + size > IMAP_FETCH_BYTES:
                out.extend(self._fetch_group(group, sizes, b"BODY.PEEK[]", b"BODY[]"))
                group, group_bytes = [], 0
            group.append(uid)
            group_bytes += size
        if group:
            out.extend(self._fetch_group(group, sizes, b"BODY.PEEK[]", b"BODY[]"))
        out.sort(key=lambda raw: int(raw.ref))
        return out

    def _fetch_group(self, uids: list[int], meta: dict, item: bytes, key: bytes) -> list[RawMail]:
        assert self.client is not None
        data = self._call("fetch", self.client.fetch, uids, [item.decode()])
        out = []
        for uid in uids:
            body = data.get(uid, {}).get(key)
            if body is None:
                continue
            internal = meta[uid].get(b"INTERNALDATE")
            if isinstance(internal, datetime) and internal.tzinfo is None:
                internal = internal.astimezone(UTC)
            out.append(
                RawMail(
                    ref=str(uid),
                    data=bytes(body),
                    received_at=internal,
                    too_large=key == b"BODY[HEADER]",
                )
            )
        return out

    def checkpoint(self, refs: list[str]) -> Checkpoint:
        return Checkpoint(
            uidvalidity=self.current_uidvalidity,
            last_uid=max((int(ref) for ref in refs), default=self.last_uid),
        )


def _text(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, bytes):
        text = exc.decode(errors="replace")
    return text.strip() or type(exc).__name__
