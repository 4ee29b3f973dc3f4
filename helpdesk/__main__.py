"""`python -m helpdesk run` starts the product; `python -m helpdesk services -- CMD` runs CMD
with DATABASE_URL and REDIS_URL pointing at embedded servers when they are not set."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import embedded
from .launcher import BASE_DIR, Launcher


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpdesk")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the whole product (web, worker, beat)")
    run.add_argument("--host", default=os.environ.get("HELPDESK_HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("HELPDESK_PORT", "8000")))
    run.add_argument(
        "--var-dir", type=Path, default=Path(os.environ.get("HELPDESK_VAR_DIR", BASE_DIR / "var"))
    )
    services = commands.add_parser(
        "services", help="run a command with PostgreSQL and Redis available"
    )
    services.add_argument(
        "--var-dir", type=Path, help="keep the servers' data here (default: a temporary directory)"
    )
    services.add_argument("cmd", nargs=argparse.REMAINDER, help="-- command and arguments")
    args = parser.parse_args(argv)

    if args.command == "run":
        return Launcher(args.var_dir, args.host, args.port).run()

    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("services needs a command after --")
    context = embedded.services(args.var_dir) if args.var_dir else embedded.temporary_services()
    with context as started:
        env = {**os.environ, "DATABASE_URL": started.database_url, "REDIS_URL": started.redis_url}
        return subprocess.call(cmd, env=env)  # noqa: S603 - the developer's own command


if __name__ == "__main__":
    sys.exit(main())
