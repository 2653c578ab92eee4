"""Admin pages for keeping watch: the admin home, the forum moderation log and the mail outbox."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request
from sqlalchemy import and_, case, func, select

from ..core.auth import admin_required
from ..core.outbox import FAILED, PENDING, SENT, OutboxMessage, OutboxStatus
from ..core.params import db_int
from ..extensions import db
from ..forums import queries as forum_queries
from ..forums.service import author_name

RECENT = 20


@admin_required
def home():
    return render_template("admin/home.html")


@admin_required
def moderation_log():
    log = forum_queries.moderation_log(request.args.get("page", 1, type=db_int))
    if log is None:
        abort(404)
    return render_template("admin/moderation.html", log=log, author_name=author_name)


@dataclass(frozen=True)
class OutboxState:
    counts: list[tuple[str, str, int]]      # (status, label, messages)
    sent_after_retry: int                   # sent, but not at the first attempt
    waiting_to_retry: int                   # failed at least once, will be tried again
    failed: list[OutboxMessage]             # newest first
    retrying: list[OutboxMessage]           # newest first

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.counts)


def outbox_state() -> OutboxState:
    """Four queries, however many messages there are."""
    by_status = dict(db.session.execute(select(OutboxMessage.status, func.count(OutboxMessage.id))
                                        .group_by(OutboxMessage.status)).all())
    after_retry, to_retry = db.session.execute(select(
        func.count(case((and_(OutboxMessage.status == SENT, OutboxMessage.attempts > 1), 1))),
        func.count(case((and_(OutboxMessage.status == PENDING, OutboxMessage.attempts >= 1), 1))))).one()
    newest = (OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    failed = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == FAILED)
                                     .order_by(*newest).limit(RECENT)))
    retrying = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == PENDING,
                                                                    OutboxMessage.attempts >= 1)
                                       .order_by(*newest).limit(RECENT)))
    counts = [(s, s.label, by_status.get(s, 0)) for s in OutboxStatus]
    return OutboxState(counts, after_retry, to_retry, failed, retrying)


@admin_required
def outbox():
    return render_template("admin/outbox.html", state=outbox_state())
