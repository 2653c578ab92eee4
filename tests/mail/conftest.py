"""A real SMTP server for the mail tests: aiosmtpd on a free port of 127.0.0.1, started and stopped by
the fixture, which can be told to accept, to answer "451 try again later", to refuse an address for
good (550) or to drop the connection."""
from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

ACCEPT, REFUSE, REJECT, DROP = "accept", "refuse", "reject", "drop"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


@dataclass
class Handler:
    """aiosmtpd calls these hooks; `mode` says how the next commands are answered."""

    mode: str = ACCEPT
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == REFUSE:
            return "451 4.3.0 Mailbox busy, try again later"
        if self.mode == REJECT:
            return "550 5.1.1 No such mailbox"
        if self.mode == DROP:
            server.transport.close()  # gone without a word, as a crashing server would
            return "421 4.3.2 Closing"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 Accepted"

    def messages(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Handler

    def set_mode(self, mode: str) -> None:
        self.handler.mode = mode

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self.handler.messages()

    def settings(self) -> dict:
        """App settings that send to this server (no TLS, no login: it is a local test server)."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
                "MAIL_USERNAME": "", "MAIL_PASSWORD": "", "MAIL_TIMEOUT": 10}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A running SMTP server; stopped (and its port freed) after the test, whatever happened."""
    handler = Handler()
    controller = None
    for attempt in range(5):  # the free port may be taken between finding it and binding it
        port = _free_port()
        candidate = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
        try:
            candidate.start()
        except (OSError, RuntimeError, TimeoutError):
            candidate.stop(no_assert=True)
            time.sleep(0.1 * (attempt + 1))
            continue
        controller = candidate
        break
    if controller is None:
        pytest.fail("could not start the test SMTP server on 127.0.0.1")
    handler.connections = 0  # the controller's own start-up probe is no client
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()
