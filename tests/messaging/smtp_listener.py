"""A real SMTP server on loopback (aiosmtpd) that records what it receives."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Recorder:
    """aiosmtpd handler: keeps every accepted message; can refuse or stall on demand."""

    received: list[EmailMessage] = field(default_factory=list)
    rcpt_answer: str = ""  # e.g. "451 4.3.0 try later"; empty accepts
    data_answer: str = "250 OK"
    drop_connection_in_data: bool = False
    stall_in_data: threading.Event | None = None  # when set, DATA waits for this event
    data_started: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        self.data_started.set()
        if self.stall_in_data is not None:
            import asyncio

            while not self.stall_in_data.is_set():
                await asyncio.sleep(0.05)
        if self.drop_connection_in_data:
            server.transport.close()
            return "250 OK"
        return self.data_answer


class SmtpListener:
    def __init__(self) -> None:
        self.recorder = Recorder()
        with socket.socket() as probe:  # a free loopback port (aiosmtpd cannot use port 0)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=port)

    def __enter__(self) -> "SmtpListener":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.recorder.stall_in_data is not None:
            self.recorder.stall_in_data.set()
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port
