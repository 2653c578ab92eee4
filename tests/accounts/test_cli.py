"""The create-user command an operator uses for the first tutor and admin."""
from __future__ import annotations

from sqlalchemy import select

from courseware.accounts.models import User
from courseware.extensions import db


def test_create_tutor_from_the_command_line(app, runner, signed_in):
    result = runner.invoke(args=["create-user", "--email", "Tutor@Course.example", "--name", "Tom Tutor",
                                 "--role", "tutor", "--password", "tutor password 1"])
    assert result.exit_code == 0, result.output
    assert "Created tutor tutor@course.example" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "tutor@course.example"))
        assert user.role == "tutor" and user.name == "Tom Tutor"
    page = signed_in(user, "tutor password 1").get("/").get_data(as_text=True)
    assert "Signed in as" in page and "Tom Tutor" in page


def test_create_user_prompts_for_the_password(app, runner):
    result = runner.invoke(args=["create-user", "--email", "a@b.example", "--name", "Ann Admin", "--role", "admin"],
                           input="admin password 1\nadmin password 1\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "a@b.example")) == "admin"


def test_create_user_refuses_a_weak_password_and_duplicates(app, runner, learner):
    weak = runner.invoke(args=["create-user", "--email", "c@d.example", "--name", "C", "--password", "short"])
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    dup = runner.invoke(args=["create-user", "--email", learner.email, "--name", "C", "--password", "long enough pw"])
    assert dup.exit_code != 0 and "already exists" in dup.output
    bad_role = runner.invoke(args=["create-user", "--email", "e@f.example", "--name", "E", "--role", "king",
                                   "--password", "long enough pw"])
    assert bad_role.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email.in_(["c@d.example", "e@f.example"]))) is None
