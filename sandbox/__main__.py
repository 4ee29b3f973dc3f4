"""`python -m sandbox serve --port N`: run the Amazon sandbox on a loopback port."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import threading
from datetime import datetime

from .server import serve
from .state import SandboxState


def _loopback(host: str) -> str:
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError("the sandbox listens on loopback addresses only")
    return host


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the SP-API emulator and Login with Amazon")
    run.add_argument("--host", type=_loopback, default="127.0.0.1")
    run.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    run.add_argument("--seed", type=int, default=7)
    run.add_argument("--count", type=int, default=2000, help="orders over the last 120 days")
    run.add_argument(
        "--anchor",
        type=datetime.fromisoformat,
        help="the catalogue's 'today' (ISO 8601 with offset); default: today 00:00 UTC",
    )
    run.add_argument(
        "--rate-scale",
        type=float,
        default=1.0,
        help="multiply Amazon's request rates (bursts stay), for quick benchmarks",
    )
    run.add_argument("--client-id", default="amzn1.application-oa2-client.sandbox")
    run.add_argument("--client-secret", default="sandbox-client-secret")
    args = parser.parse_args(argv)

    options = {"anchor": args.anchor} if args.anchor else {}
    state = SandboxState(
        seed=args.seed,
        count=args.count,
        client_id=args.client_id,
        client_secret=args.client_secret,
        rate_scale=args.rate_scale,
        **options,
    )
    server = serve(state, args.host, args.port)
    host, port = server.server_address[:2]
    print(f"sandbox: listening on http://{host}:{port} ({len(state.base)} orders)", flush=True)

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    print("sandbox: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
