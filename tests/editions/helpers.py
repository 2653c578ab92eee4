"""Helpers for the editions tests: editions made through the admin page, days relative to today."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from courseware.core.time import utcnow
from courseware.editions.models import Edition, EditionMembership
from courseware.extensions import db
from tests.conftest import sign_in

BRUSSELS = ZoneInfo("Europe/Brussels")


def day(offset: int = 0) -> str:
    """Today (in Brussels, the default zone) plus `offset` days, as YYYY-MM-DD."""
    return (utcnow().astimezone(BRUSSELS).date() + timedelta(days=offset)).isoformat()


def admin_client(app, admin):
    client = sign_in(app, admin)
    return client


def create_edition(client, name: str, **dates) -> int:
    """Create an edition through /admin/editions/ (`client` signed in as an admin); returns its id."""
    data = {"name": name, "registration_opens": "", "registration_closes": "", "starts_on": "",
            "certification_deadline": ""}
    data.update(dates)
    response = client.post("/admin/editions/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def edition_of(app, user_id: int) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Edition.name).join(EditionMembership, EditionMembership.edition_id == Edition.id)
                                 .where(EditionMembership.user_id == user_id))


def put_in(app, user_id: int, edition_id: int) -> None:
    """Place a learner in an edition directly (set-up only; moving is tested through the page)."""
    with app.app_context():
        row = db.session.get(EditionMembership, user_id)
        if row is None:
            db.session.add(EditionMembership(user_id=user_id, edition_id=edition_id))
        else:
            row.edition_id = edition_id
        db.session.commit()


def register(client, email: str, name: str = "Nora New"):
    return client.post("/register", data={"name": name, "email": email, "organisation": "City of Ghent",
                                          "password": "a long enough password", "confirm": "a long enough password"})


def user_id_by_email(app, email: str) -> int:
    from courseware.accounts.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


