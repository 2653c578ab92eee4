"""Demo editions, announcements and live sessions: two runs of the course, the older half of the demo
learners in the first and the newer half in the second, with news for each and for everyone, and live
sessions (past ones with attendance, upcoming ones with join links)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from ..core import timezones
from ..core.safe_markdown import render_safe
from ..editions.models import Announcement, Attendance, Edition, EditionMembership, LiveSession
from ..extensions import db
from .plan import Plan

ZONE = "Europe/Brussels"
ATTENDED = 0.4      # share of an edition's learners at its kick-off webinar
MEETING = "https://meet.demo.invalid/"


@dataclass(frozen=True)
class DemoEditions:
    editions: dict[int, Edition]      # learner index -> their edition
    counts: tuple[int, int, int]      # editions, announcements, sessions


def _edition(name: str, opens: datetime, closes: datetime | None, starts: datetime, deadline: datetime) -> Edition:
    """The edition named `name` (reused when demo data is added again with --force)."""
    edition = db.session.scalar(select(Edition).where(Edition.name == name))
    if edition is None:
        edition = Edition(name=name)
        db.session.add(edition)

    def day(moment):
        return timezones.start_of_day(moment.astimezone(timezones.zone(ZONE)).date(), ZONE)

    edition.registration_opens_at = day(opens)
    edition.registration_closes_at = day(closes) if closes else None
    edition.starts_at = day(starts)
    edition.certification_deadline_at = day(deadline)
    db.session.flush()
    return edition


def write_editions(plan: Plan, learner_ids: list[int], tutor_ids: list[int], admin_id: int, now: datetime,
                   rng: random.Random) -> DemoEditions:
    if not plan.learners:
        return DemoEditions({}, (0, 0, 0))
    order = sorted(range(len(plan.learners)), key=lambda i: plan.learners[i].registered_at)
    middle = plan.learners[order[len(order) // 2]].registered_at
    first_in = plan.learners[order[0]].registered_at
    pilot = _edition("Pilot edition", first_in - timedelta(days=7), middle, first_in,
                     now + timedelta(days=21))
    second = _edition("Second edition", middle, None, middle + timedelta(days=7), now + timedelta(days=150))
    editions = {i: (pilot if plan.learners[i].registered_at < middle else second) for i in order}
    db.session.execute(insert(EditionMembership), [
        {"user_id": learner_ids[i], "edition_id": e.id, "joined_at": plan.learners[i].registered_at}
        for i, e in editions.items()])

    def announce(edition, title, body, at):
        db.session.add(Announcement(edition_id=edition.id if edition else None, title=title, body=body,
                                    body_html=str(render_safe(body)), author_id=rng.choice(tutor_ids) if tutor_ids
                                    else admin_id, created_at=at))

    announce(None, "Welcome to the course",
             "Welcome! Start with the first module at your own pace. The **live sessions** page lists the "
             "webinars of your edition; each has a link to add it to your calendar.", first_in)
    announce(pilot, "Certification deadline in three weeks",
             "A reminder for the pilot edition: submit your assignments and claim your certificate before the "
             "certification deadline shown on your course home.", now - timedelta(days=2))
    announce(second, "Kick-off webinar next week",
             "Join the kick-off webinar of the second edition. We will walk through the three modules and "
             "answer your questions about the assignments.", now - timedelta(days=1))

    def schedule(edition, title, start, hours=1.0):
        session = LiveSession(edition_id=edition.id if edition else None, title=title, starts_at=start,
                              ends_at=start + timedelta(hours=hours), join_url=MEETING + title.lower().replace(" ", "-"),
                              created_by_id=tutor_ids[0] if tutor_ids else admin_id, created_at=start - timedelta(days=14),
                              updated_at=start - timedelta(days=14), sequence=0)
        db.session.add(session)
        db.session.flush()
        return session

    def at_ten(moment):
        local = moment.astimezone(timezones.zone(ZONE)).replace(hour=10, minute=0, second=0, microsecond=0)
        return local.astimezone(now.tzinfo)

    kickoff = schedule(pilot, "Pilot kick-off webinar", at_ten(first_in + timedelta(days=2)), 1.5)
    kickoff.recording_url = MEETING + "recordings/pilot-kick-off"
    schedule(second, "Second edition kick-off webinar", at_ten(now + timedelta(days=6)), 1.5)
    schedule(None, "Question hour: procurement and V2G-ready tenders", at_ten(now + timedelta(days=1)))
    attendees = [learner_ids[i] for i, e in editions.items() if e is pilot and rng.random() < ATTENDED]
    if attendees:
        db.session.execute(insert(Attendance), [
            {"session_id": kickoff.id, "user_id": u, "recorded_by_id": kickoff.created_by_id,
             "recorded_at": kickoff.ends_at + timedelta(hours=1)} for u in attendees])
    db.session.flush()
    return DemoEditions(editions, (2, 3, 3))
