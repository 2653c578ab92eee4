"""`flask demo-data` makes two editions with their learners, announcements and live sessions with attendance."""
from __future__ import annotations

from sqlalchemy import func, select

from courseware.certificates.models import Certificate
from courseware.editions.models import Announcement, Attendance, Edition, EditionMembership, LiveSession
from courseware.extensions import db


def test_demo_data_has_two_editions_announcements_and_sessions(app, runner, client):
    result = runner.invoke(args=["demo-data", "--learners", "60", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "2 editions with 3 announcements and 3 live sessions" in result.output
    with app.app_context():
        editions = db.session.scalars(select(Edition).order_by(Edition.id)).all()
        assert [e.name for e in editions] == ["Pilot edition", "Second edition"]
        per_edition = dict(db.session.execute(select(EditionMembership.edition_id, func.count())
                                              .group_by(EditionMembership.edition_id)).all())
        assert sum(per_edition.values()) == 60 and all(n > 10 for n in per_edition.values())
        assert db.session.scalar(select(func.count(Announcement.id))) == 3
        assert db.session.scalar(select(func.count(LiveSession.id))) == 3
        assert db.session.scalar(select(func.count(Attendance.id))) > 0
        named = db.session.scalars(select(Certificate.edition_name)).all()
        assert named and all(n in ("Pilot edition", "Second edition") for n in named)
