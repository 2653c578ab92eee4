from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length


class LinkForm(FlaskForm):
    password = PasswordField(_l("Password of your account here"),
                             validators=[DataRequired(_l("Enter the password of your account.")), Length(max=256)])
