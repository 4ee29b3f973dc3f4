"""A throwaway Dovecot IMAP server for the tests: its own configuration, one user, a Maildir,
TLS with a self-signed certificate, on a free loopback port. Runs unprivileged: as the current
user, or as `nobody` when the tests run as root."""

from __future__ import annotations

import ipaddress
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from helpdesk.embedded import free_port

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = helpdesk-test-{port}
log_path = {root}/dovecot.log
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
auth_mechanisms = plain
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {plain_port}
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot",) if os.access(p, os.X_OK)), None
    )


def skip_or_fail(reason: str) -> None:
    """Skip with the reason; under CI a real-server test must run, so fail instead."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def _self_signed(root: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (root / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return root / "cert.pem"


@dataclass
class Dovecot:
    root: Path
    port: int  # implicit TLS
    plain_port: int  # STARTTLS (plain login refused by ssl = required)
    username: str
    password: str
    cert: Path
    process: subprocess.Popen

    host = "127.0.0.1"

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot() -> Dovecot:
    binary = dovecot_binary()
    if binary is None:
        skip_or_fail(
            "Dovecot is not installed (Debian package dovecot-imapd; `make test` installs it "
            "when run as root), so the real-IMAP tests cannot run"
        )
    run_as_root = os.geteuid() == 0
    account = pwd.getpwnam("nobody") if run_as_root else pwd.getpwuid(os.geteuid())
    group = _group_name(account.pw_gid)
    root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    plain_port = free_port()
    password = os.urandom(12).hex()
    cert = _self_signed(root)
    (root / "users").write_text(f"seller:{{PLAIN}}{password}\n")
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root, port=port, plain_port=plain_port, user=account.pw_name, group=group
        )
    )
    for sub in ("run", "state", "home"):
        (root / sub).mkdir()
    if run_as_root:
        for path in [root, *root.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
    process = subprocess.Popen(
        [binary, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        user=account.pw_uid if run_as_root else None,
        group=account.pw_gid if run_as_root else None,
        extra_groups=[] if run_as_root else None,
    )
    server = Dovecot(root, port, plain_port, "seller", password, cert, process)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            log = server.log()
            server.stop()
            pytest.fail(f"Dovecot did not start: {error}\n{log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.1)
    log = server.log()
    server.stop()
    pytest.fail(f"Dovecot did not listen on port {port}:\n{log}")


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name
