"""The platform always keeps an active admin: the last one cannot erase their own account."""
from __future__ import annotations

from sqlalchemy import select

from courseware.accounts.models import User
from courseware.extensions import db
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, make_user


def admin_ids(app) -> list[int]:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.role == "admin")).all()


def test_the_last_active_admin_cannot_erase_their_account(app, client, admin):
    """Is the erasure refused with a reason, and the account kept and still signed in?"""
    client = sign_in(app, admin)
    response = client.post("/account/delete", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 422
    assert "You are the last active admin" in response.get_data(as_text=True)
    assert admin_ids(app) == [admin.id]
    assert client.get("/admin/").status_code == 200


def test_an_admin_can_leave_once_another_admin_is_active(app, client, admin):
    with app.app_context():
        make_user(role="admin", email="second@course.example")
    client = sign_in(app, admin)
    assert client.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    assert admin.id not in admin_ids(app)


def test_a_deactivated_second_admin_does_not_count(app, client, admin):
    with app.app_context():
        other = make_user(role="admin", email="dormant@course.example")
        db.session.get(User, other.id).active = False
        db.session.commit()
    client = sign_in(app, admin)
    assert client.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 422
    assert admin.id in admin_ids(app)
