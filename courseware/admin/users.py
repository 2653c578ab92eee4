"""Admin pages for accounts: search, change role, deactivate and reactivate, send a reset link.

Routes live on the `admin` blueprint (views.py); this module is imported by the package's
__init__ so that they are registered whenever the blueprint is.
"""
from __future__ import annotations


from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..accounts.models import Role, User
from ..core.auth import admin_required
from ..core.errors import DomainError
from ..core.site import current_site
from ..core.params import db_int
from ..core.search import clean_search
from ..extensions import db
from . import accounts

PER_PAGE = 25
SET_ROLE, DEACTIVATE, REACTIVATE, SEND_RESET = "role", "deactivate", "reactivate", "reset"
ROLE_CHOICES = [(r.value, r.label) for r in Role]


class UserActionForm(FlaskForm):
    """One action on one account; the list page renders one such form per row."""

    user_id = IntegerField("Account", validators=[InputRequired("Choose an account.")])
    action = SelectField("Action", choices=[SelectChoice(SET_ROLE, "Change role"),
                                            SelectChoice(DEACTIVATE, "Deactivate"),
                                            SelectChoice(REACTIVATE, "Reactivate"),
                                            SelectChoice(SEND_RESET, "Send a reset link")],
                         validators=[InputRequired("Choose an action.")])
    role = SelectField("Role", choices=[SelectChoice(v, label) for v, label in ROLE_CHOICES],
                       validators=[Optional()], validate_choice=False)
    q = HiddenField(validators=[Optional(), Length(max=100)])

    def validate_role(self, field):
        if self.action.data == SET_ROLE and field.data not in {r.value for r in Role}:
            raise ValidationError("Choose learner, tutor or admin.")


def _page_number() -> int:
    return request.args.get("page", 1, type=db_int)


def _users_page(search: str, role: str, number: int, status: int = 200, error: str | None = None,
                error_user: int | None = None):
    page = accounts.search_users(search, role, number, PER_PAGE)
    if page is None:
        abort(404)
    return render_template("admin/users.html", page=page, q=search,
                           role=role, roles=ROLE_CHOICES, events=accounts.recent_events(), error=error,
                           error_user=error_user), status


@admin_required
def users():
    if request.method == "GET":
        role = request.args.get("role", "")
        return _users_page(clean_search(request.args.get("q", "")), role if role in dict(ROLE_CHOICES) else "",
                           _page_number())
    form = UserActionForm()
    search = clean_search(form.q.data or "")
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        return _users_page(search, "", 1, 422, " ".join(messages) or "The form had expired. Please send it again.",
                           form.user_id.data if isinstance(form.user_id.data, int) else None)
    user = db.session.get(User, form.user_id.data)
    if user is None:
        abort(404)
    try:
        message, changed = _apply(form, user)
    except DomainError as e:
        db.session.rollback()
        return _users_page(search, "", 1, 422, e.message, user.id)
    db.session.commit()
    flash(message, "success" if changed else "info")
    if user.id == current_user.id and not user.is_admin:
        return redirect(url_for("courses.home"))   # no longer allowed here
    return redirect(url_for("admin.users", q=search or None))


def _apply(form: UserActionForm, user: User) -> tuple[str, bool]:
    """Carry out the action; (message for the admin, whether anything changed)."""
    action = form.action.data
    if action == SET_ROLE:
        role = Role(form.role.data)
        if accounts.change_role(current_user, user, role):
            return f"{user.name} is now {'an' if role is Role.ADMIN else 'a'} {role.value}.", True
        return f"{user.name} already has the role {role.value}: nothing changed.", False
    if action == DEACTIVATE:
        if accounts.deactivate(current_user, user):
            return f"{user.name}'s account is deactivated and signed out everywhere.", True
        return f"{user.name}'s account was already deactivated.", False
    if action == REACTIVATE:
        if accounts.reactivate(current_user, user):
            return f"{user.name}'s account is active again.", True
        return f"{user.name}'s account was already active.", False
    accounts.send_reset_link(current_site(), current_user, user)
    return f"A password-reset link is on its way to {user.email}.", True
