from __future__ import annotations

from flask_babel import lazy_gettext as _l

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), description=_l("To confirm it is you."),
                             validators=[DataRequired(_l("Enter your password to delete your account.")), Length(max=256)])


class DeletePasswordlessAccountForm(FlaskForm):
    """For an account whose owner knows no password (made by signing in with an organisation's account):
    typing the address confirms it is no slip."""
    password = EmailField(_l("Your email address"), description=_l("To confirm you mean it."),
                          validators=[DataRequired(_l("Enter your email address to delete your account.")),
                                      Length(max=254)])
