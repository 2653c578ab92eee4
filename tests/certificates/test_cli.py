"""The certificate commands: the same rules as the site, with no web request."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import undefer

from courseware.certificates.models import Certificate
from courseware.extensions import db
from tests.certificates.helpers import earn_everything


def _certificates(app):
    with app.app_context():
        certificates = db.session.scalars(select(Certificate).order_by(Certificate.version)
                                          .options(undefer(Certificate.credential_json))).all()
        db.session.expunge_all()
        return certificates


def test_issue_refuses_until_earned_then_issues_once(app, runner, signed_in, learner, tutor):
    """Does `certificates issue` say what is missing, then issue once every requirement is met, and only once?"""
    result = runner.invoke(args=["certificates", "issue", "--email", learner.email])
    assert result.exit_code == 1 and "Not earned yet" in result.output and "Basics: complete every unit (0 of 2 units completed)" in result.output
    assert _certificates(app) == []
    earn_everything(app, signed_in(learner), learner, signed_in(tutor))
    result = runner.invoke(args=["certificates", "issue", "--email", learner.email])
    assert result.exit_code == 0 and result.output.startswith("Issued: ")
    again = runner.invoke(args=["certificates", "issue", "--email", learner.email])
    assert again.output.startswith("Already issued: ")
    [certificate] = _certificates(app)
    # The links printed and signed come from BASE_URL, not from a request.
    assert f"http://localhost/verify/{certificate.display_code}" in certificate.credential_json


def test_revoke_and_reissue_need_an_admin(app, client, runner, signed_in, learner, tutor, admin):
    """Are revoke and reissue refused for a non-admin, and do they work for an admin, as on the admin pages?"""
    earn_everything(app, signed_in(learner), learner, signed_in(tutor))
    code = runner.invoke(args=["certificates", "issue", "--email", learner.email]).output.split(": ")[1].strip()
    refused = runner.invoke(args=["certificates", "reissue", code, "--name", "Lena L.", "--admin", tutor.email])
    assert refused.exit_code == 1 and "is not an admin" in refused.output
    result = runner.invoke(args=["certificates", "reissue", code, "--name", "Lena Learner-Smith", "--admin", admin.email,
                                 "--note", "spelling"])
    assert result.exit_code == 0 and f"(replaces {code})" in result.output
    old, new = _certificates(app)
    assert new.learner_name == "Lena Learner-Smith" and new.replaces_id == old.id and new.organisation == old.organisation
    unknown = runner.invoke(args=["certificates", "revoke", "0000-0000-0000-0000-0000", "--reason", "x",
                                  "--admin", admin.email])
    assert unknown.exit_code == 1 and "No certificate has the code" in unknown.output
    result = runner.invoke(args=["certificates", "revoke", new.display_code, "--reason", "Fraud found",
                                 "--admin", admin.email])
    assert result.exit_code == 0
    assert all(c.revocation_reason == "Fraud found" for c in _certificates(app))
    assert "Revoked" in client.get(f"/verify/{old.display_code}").get_data(as_text=True)
