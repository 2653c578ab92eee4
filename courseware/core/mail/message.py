"""One message as it leaves the outbox, and the headers every message carries.

- `Date` is when the message was queued (RFC 5322: when it was ready to send), so a message sent
  after a retry says when it was written, and `Message-ID` is made once, on the site's own domain,
  and kept across retries: a receiving system that sees it twice can tell it is the same message.
- `Auto-Submitted: auto-generated` (RFC 3834) tells out-of-office responders and mailing-list
  software not to answer; Microsoft Exchange, common in public bodies, also honours
  `X-Auto-Response-Suppress`. Nobody should get an automatic reply to a notification, and no
  auto-reply loop can start between two robots.
- Notifications and digests carry `List-Unsubscribe` with `List-Unsubscribe-Post:
  List-Unsubscribe=One-Click` (RFC 8058): the mail program shows an unsubscribe button that stops
  that kind of mail with one POST, no sign-in needed. Personal mail (a reset link, a grade) has none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    date: datetime                      # aware, UTC
    message_id: str                     # "<...@site.domain>"
    unsubscribe_url: str | None = None  # notifications and digests only
    sensitive: bool = False             # carries a secret (a reset link): its text is never logged

    @property
    def clean_subject(self) -> str:
        # A line break in a header would end it (header injection): subjects are one line.
        return " ".join(self.subject.split())

    def headers(self) -> dict[str, str]:
        headers = {
            "Date": format_datetime(self.date),
            "Message-ID": self.message_id,
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "OOF, AutoReply",
        }
        if self.unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{self.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return headers


def site_domain(base_url: str) -> str:
    """The host of BASE_URL without port: the right-hand side of our Message-IDs."""
    return urlsplit(base_url).hostname or "localhost"


def new_message_id(base_url: str) -> str:
    return make_msgid(domain=site_domain(base_url))
