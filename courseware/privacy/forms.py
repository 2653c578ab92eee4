from __future__ import annotations

from flask_babel import lazy_gettext as _l

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), description=_l("To confirm it is you."),
                             validators=[DataRequired(_l("Enter your password to delete your account.")), Length(max=256)])
