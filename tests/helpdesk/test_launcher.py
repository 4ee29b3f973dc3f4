"""The embedded default, run as a new user runs it: `python -m helpdesk run`.

Starts embedded PostgreSQL and Redis, a Celery worker that must answer a task, beat and the web
server; signs in through the real login form; then Ctrl-C must leave no process behind, and a
second start must be quicker and keep the data.
"""

import http.cookiejar
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from helpdesk.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]
# The launcher must find none of the test run's own settings: it provisions its own.
LAUNCHER_PROVIDES = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "DEBUG",
    "HTTPS",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "MEDIA_ROOT",
    "STATIC_ROOT",
}


class RunningLauncher:
    def __init__(self, var_dir: Path, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if k not in LAUNCHER_PROVIDES}
        self.port = port
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "helpdesk",
                "run",
                "--port",
                str(port),
                "--var-dir",
                str(var_dir),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip())

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.output.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(
            f"no line matching {pattern!r}; output:\n" + "\n".join(self.output[-60:])
        )

    def find(self, pattern: str) -> re.Match:
        for line in self.output:
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(
            f"no line matching {pattern!r}; output:\n" + "\n".join(self.output[-60:])
        )

    def interrupt(self, timeout: float = 90) -> int:
        os.kill(self.process.pid, signal.SIGINT)
        code = self.process.wait(timeout)
        time.sleep(0.2)
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)


def processes_of(var_dir: Path, launcher_pid: int) -> list[psutil.Process]:
    """The launcher's descendants plus the servers that detach from it (they name var_dir)."""
    found = {}
    try:
        for child in psutil.Process(launcher_pid).children(recursive=True):
            found[child.pid] = child
    except psutil.Error:
        pass
    for process in psutil.process_iter(["cmdline"]):
        if str(var_dir) in " ".join(process.info["cmdline"] or []):
            found[process.pid] = process
    return list(found.values())


def sign_in(port: int, email: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    with opener.open(f"{base}/login/", timeout=10) as response:
        assert response.status == 200
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": email, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    with opener.open(f"{base}/login/", data=data, timeout=10) as response:
        assert response.url == f"{base}/", response.url
    # The home page is the inbox; the seller accounts and the worker's state are on /status/.
    with opener.open(f"{base}/status/", timeout=10) as response:
        return response.read().decode()


@pytest.mark.slow
def test_launcher_runs_the_product_and_stops_without_leftovers(tmp_path):
    var_dir = tmp_path / "var"
    port = free_port()
    first = RunningLauncher(var_dir, port)
    try:
        started = time.monotonic()
        first.wait_for(r"press Ctrl-C to stop", 120)
        first_start = time.monotonic() - started
        first.find(r"worker answered a test task")
        first.find(r"embedded PostgreSQL \(new database in ")
        login = first.find(r"login: (\S+) password: (\S+)")
        email, password = login.group(1), login.group(2)

        running = processes_of(var_dir, first.process.pid)
        names = " ".join(" ".join(p.cmdline()) for p in running)
        for program in (
            "postgres",
            "redis-server",
            "--queues celery",
            "--queues amazon",
            "beat",
            "gunicorn",
        ):
            assert program in names, f"{program} is not running"
        assert "-m sandbox serve" in names, "the Amazon sandbox is not running"

        home = sign_in(port, email, password)
        assert "Demo Seller" in home
        assert "Background worker: running" in home
        assert "state-connected" in home  # the demo seller is connected to the sandbox

        assert first.interrupt() == 0
        _, alive = psutil.wait_procs(running, timeout=10)
        assert not alive, [p.cmdline() for p in alive]
        assert not processes_of(var_dir, first.process.pid)
    finally:
        first.kill()

    second = RunningLauncher(var_dir, port)
    try:
        started = time.monotonic()
        second.wait_for(r"press Ctrl-C to stop", 120)
        second_start = time.monotonic() - started
        second.find(r"embedded PostgreSQL \(existing data in ")
        assert not any("password:" in line for line in second.output), "password printed twice"
        assert "Demo Seller" in sign_in(port, email, password)  # same database, same login
        running = processes_of(var_dir, second.process.pid)
        assert second.interrupt() == 0
        _, alive = psutil.wait_procs(running, timeout=10)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        second.kill()
    print(f"first start {first_start:.1f} s, second start {second_start:.1f} s")


def test_services_wrapper_passes_configured_urls_through_untouched():
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://u@db.example/x",
        "REDIS_URL": "redis://r.example/1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpdesk",
            "services",
            "--",
            sys.executable,
            "-c",
            "import os; print(os.environ['DATABASE_URL'], os.environ['REDIS_URL'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["postgres://u@db.example/x", "redis://r.example/1"]


def test_services_wrapper_starts_and_removes_throwaway_servers():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    script = (
        "import os, psycopg2, redis; "
        "c = psycopg2.connect(os.environ['DATABASE_URL']); c.cursor().execute('SELECT 1'); "
        "print(redis.Redis.from_url(os.environ['REDIS_URL']).ping(), os.environ['DATABASE_URL'])"
    )
    result = subprocess.run(
        [sys.executable, "-m", "helpdesk", "services", "--", sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    answer, url = result.stdout.split()
    assert answer == "True"
    port = urllib.parse.urlparse(url).port
    assert all(c.laddr.port != port for c in psutil.net_connections("tcp") if c.status == "LISTEN")
