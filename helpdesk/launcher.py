"""The embedded default: one command that runs the whole product on this machine.

Starts PostgreSQL and Redis from their wheels (unless DATABASE_URL / REDIS_URL are set), applies
migrations, prepares the demo seller, then runs the web server (gunicorn), a Celery worker and
Celery beat as child processes. Ctrl-C (or SIGTERM) stops the children first, then Redis, then
PostgreSQL, and leaves no process behind. Data lives under the var directory between starts.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from . import embedded
from .demo import DEMO_MAILDIR, DEMO_MARKETPLACES

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_ENV_FILE = "local.env"
DEMO_LOGIN_FILE = "demo-login.txt"


def say(message: str) -> None:
    print(f"helpdesk: {message}", flush=True)


def load_or_create_local_env(var_dir: Path) -> dict[str, str]:
    """Secrets for this installation, generated on first start and kept in var/local.env."""
    from cryptography.fernet import Fernet

    path = var_dir / LOCAL_ENV_FILE
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    changed = False
    if not values.get("SECRET_KEY"):
        values["SECRET_KEY"] = secrets.token_urlsafe(48)
        changed = True
    if not values.get("FIELD_ENCRYPTION_KEY"):
        values["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
        changed = True
    if changed:
        path.touch(mode=0o600, exist_ok=True)
        header = (
            "# Generated on first start; keep it: it decrypts the secrets stored in the database.\n"
        )
        path.write_text(header + "".join(f"{k}={v}\n" for k, v in values.items()))
    return values


def local_environment(var_dir: Path, host: str, port: int) -> dict[str, str]:
    """The environment for the child processes: the caller's, with local defaults filled in."""
    env = dict(os.environ)
    for key, value in load_or_create_local_env(var_dir).items():
        env.setdefault(key, value)
    defaults = {
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DEBUG": "false",
        "HTTPS": "false",  # plain http on loopback
        "ALLOWED_HOSTS": f"{host},127.0.0.1,localhost",
        "SITE_URL": f"http://{host}:{port}",
        "MEDIA_ROOT": str(var_dir / "media"),
        "STATIC_ROOT": str(var_dir / "static"),
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(var_dir / "outgoing-mail"),
        "MAILDIR_ROOT": str(var_dir / "maildirs"),
        "PYTHONUNBUFFERED": "1",
    }
    for key, value in defaults.items():
        if not env.get(key):
            env[key] = value
    return env


@dataclass
class Child:
    name: str
    args: list[str]
    process: subprocess.Popen | None = None
    log_lines: list[str] = field(default_factory=list)

    def start(self, env: dict[str, str], log_dir: Path) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry points
            self.args,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,  # its own process group: we stop it and all its children
        )
        log_file = (log_dir / f"{self.name}.log").open("a")
        threading.Thread(target=self._pump, args=(log_file,), daemon=True).start()

    def _pump(self, log_file) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            log_file.write(line)
            log_file.flush()
            self.log_lines = [*self.log_lines[-30:], line.rstrip()]
            print(f"[{self.name}] {line.rstrip()}", flush=True)
        log_file.close()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def stop(self, timeout: float) -> None:
        """SIGTERM the whole process group, then SIGKILL whatever is left after `timeout`."""
        if self.process is None:
            return
        members = _group_members(self.process.pid)
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.process.wait()
        _, alive = psutil.wait_procs(members, timeout=timeout)
        for process in alive:
            with contextlib.suppress(psutil.Error):
                process.kill()


def _group_members(pgid: int) -> list[psutil.Process]:
    members = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == pgid:
                members.append(process)
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def _checked(result: subprocess.CompletedProcess, what: str) -> str:
    if result.returncode != 0:
        raise SystemExit(f"helpdesk: {what} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def wait_for_http(url: str, timeout: float, alive) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def check_worker(env: dict[str, str], timeout: float) -> float:
    """Send one task through Redis to the worker and wait for its answer; returns seconds."""
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "FIELD_ENCRYPTION_KEY")}
    )
    for key in ("DEBUG", "HTTPS", "ALLOWED_HOSTS", "STATIC_ROOT", "MEDIA_ROOT"):
        os.environ.setdefault(key, env[key])
    from helpdesk.celery import app

    started = time.monotonic()
    result = app.send_task("helpdesk.tasks.ping")
    if result.get(timeout=timeout) != "pong":
        raise RuntimeError("the worker answered something other than pong")
    return time.monotonic() - started


class Launcher:
    def __init__(self, var_dir: Path, host: str, port: int) -> None:
        self.var_dir = var_dir.resolve()
        self.host = host
        self.port = port
        self.stop_requested = threading.Event()
        self.children: list[Child] = []

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.stop_requested.is_set():
            say("second interrupt: killing the remaining processes")
            for child in self.children:
                child.signal_group(signal.SIGKILL)
        self.stop_requested.set()

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        (self.var_dir / "log").mkdir(exist_ok=True)
        started_at = time.monotonic()
        env = local_environment(self.var_dir, self.host, self.port)
        if env.get("DATABASE_URL"):
            say("using PostgreSQL from DATABASE_URL")
        else:
            pg_dir = self.var_dir / "postgres"
            kept = "existing data" if (pg_dir / "PG_VERSION").exists() else "new database"
            say(f"starting embedded PostgreSQL ({kept} in {pg_dir})")
        if env.get("REDIS_URL"):
            say("using Redis from REDIS_URL")
        else:
            say("starting embedded Redis")
        os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "REDIS_URL")})
        with embedded.services(self.var_dir) as services:
            env["DATABASE_URL"] = services.database_url
            env["REDIS_URL"] = services.redis_url
            try:
                return self._run_children(env, started_at)
            finally:
                self._stop_children()
                say(
                    "stopping PostgreSQL and Redis"
                    if services.postgres or services.redis
                    else "stopped"
                )

    def _run_children(self, env: dict[str, str], started_at: float) -> int:
        say("applying database migrations")
        _checked(manage(env, "migrate", "--noinput"), "migrate")
        _checked(manage(env, "collectstatic", "--noinput"), "collectstatic")
        self._start_sandbox(env)
        relay_port = self._relay_port(env)
        login = self._prepare_demo(env)
        if self.stop_requested.is_set():
            return 130
        python_bin = Path(sys.executable).parent
        self.children = [
            *self.children,  # the Amazon sandbox, started before the demo was prepared
            self._celery_worker("worker", queue="celery", concurrency=2),
            # Calls to Amazon wait for its quotas: their own worker, so replies never wait.
            self._celery_worker("amazon", queue="amazon", concurrency=1),
            Child(
                "beat",
                [
                    str(python_bin / "celery"),
                    "-A",
                    "helpdesk",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(self.var_dir / "celerybeat-schedule"),
                ],
            ),
            Child(
                "web",
                [
                    str(python_bin / "gunicorn"),
                    "helpdesk.wsgi:application",
                    "--bind",
                    f"{self.host}:{self.port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--graceful-timeout",
                    "5",
                    "--timeout",
                    "60",
                    "--log-level",
                    "warning",
                ],
            ),
        ]
        # The demo seller's buyer mail, written into the Maildir its mailbox reads. A separate
        # process: production code never imports the sandbox.
        self.children.insert(
            0,
            Child(
                "mail",
                [
                    sys.executable,
                    "-m",
                    "sandbox.mail",
                    "run",
                    "--maildir",
                    str(Path(env["MAILDIR_ROOT"]) / DEMO_MAILDIR),
                    "--every",
                    "180",
                    "--marketplaces",
                    ",".join(DEMO_MARKETPLACES),
                    "--relay-port",
                    str(relay_port),
                ],
            ),
        )
        for child in self.children:
            if child.process is None:  # the sandbox is already running
                child.start(env, self.var_dir / "log")
        web = self.children[-1]
        url = f"http://{self.host}:{self.port}/"
        if not wait_for_http(
            url + "healthz", 90, lambda: web.running() and not self.stop_requested.is_set()
        ):
            if self.stop_requested.is_set():
                return 130
            say("the web server did not come up; its last lines are above")
            return 1
        try:
            seconds = check_worker(env, timeout=90)
        except Exception as exc:
            say(f"the Celery worker did not answer a test task: {exc}")
            return 1
        say(f"worker answered a test task in {seconds:.2f} s")
        say(f"ready in {time.monotonic() - started_at:.1f} s — open {url}")
        say(login)
        say("press Ctrl-C to stop")
        while not self.stop_requested.wait(0.5):
            for child in self.children:
                if not child.running():
                    code = child.process.returncode
                    say(f"{child.name} exited unexpectedly (code {code}); stopping")
                    return 1
        return 0

    def _relay_port(self, env: dict[str, str]) -> int:
        """The loopback port of the sandbox's stand-in for Amazon's e-mail relay (kept between
        starts when free); the demo mailbox sends its replies there."""
        port_file = self.var_dir / "sandbox-relay.port"
        port = embedded._remembered_port(port_file) or embedded.free_port()
        port_file.write_text(str(port))
        env["AMAZON_SANDBOX_RELAY"] = f"127.0.0.1:{port}"
        return port

    @staticmethod
    def _celery_worker(name: str, *, queue: str, concurrency: int) -> Child:
        celery = str(Path(sys.executable).parent / "celery")
        return Child(
            name,
            [celery, "-A", "helpdesk", "worker", "--loglevel", "INFO", "--queues", queue,
             "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
             "--hostname", f"{name}-{os.getpid()}@%h"],
        )  # fmt: skip

    def _start_sandbox(self, env: dict[str, str]) -> None:
        """The Amazon sandbox on a loopback port, for the demo seller account (not for real
        accounts: they talk to Amazon). Its catalogue keeps the day of the first start."""
        port_file, anchor_file = self.var_dir / "sandbox.port", self.var_dir / "sandbox-anchor"
        port = embedded._remembered_port(port_file) or embedded.free_port()
        port_file.write_text(str(port))
        if not anchor_file.exists():
            today = time.strftime("%Y-%m-%dT00:00:00+00:00", time.gmtime())
            anchor_file.write_text(today)
        anchor = anchor_file.read_text().strip()
        sandbox = Child(
            "sandbox",
            [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--anchor", anchor],
        )
        sandbox.start(env, self.var_dir / "log")
        self.children.append(sandbox)
        url = f"http://127.0.0.1:{port}"
        env["AMAZON_SANDBOX_URL"] = url
        if not wait_for_http(url + "/_sandbox/health", 60, sandbox.running):
            raise SystemExit("helpdesk: the Amazon sandbox did not start; its lines are above")
        say(f"Amazon sandbox listening on {url}")

    def _prepare_demo(self, env: dict[str, str]) -> str:
        login_file = self.var_dir / DEMO_LOGIN_FILE
        output = _checked(manage(env, "setup_demo"), "preparing the demo seller")
        created = [line for line in output.splitlines() if line.startswith("login:")]
        if created:
            login_file.touch(mode=0o600, exist_ok=True)
            login_file.write_text(created[0] + "\n")
            return f"demo {created[0]} (shown once; also saved in {login_file})"
        return f"demo login: see {login_file}"

    def _stop_children(self) -> None:
        if not self.children:
            return
        say("stopping web server, beat, worker and the Amazon sandbox")
        for child in reversed(self.children):  # web first: no new work while the worker drains
            child.stop(timeout=20)
