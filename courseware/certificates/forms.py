from __future__ import annotations

from flask_babel import lazy_gettext as _l

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import no_control_characters


class ClaimForm(FlaskForm):
    """No fields: the claim is the button; the form carries the CSRF token."""


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for revoking"), description=_l("Shown publicly on the verification page."),
                           validators=[DataRequired(_l("Give the reason for revoking.")), Length(max=1000)])


class CorrectionForm(FlaskForm):
    name = StringField(_l("Name as it should be printed"),
                       validators=[DataRequired(_l("Enter the name as it should be printed.")), Length(max=120),
                                   no_control_characters])
    organisation = StringField(_l("Organisation as it should be printed"),
                               validators=[Optional(), Length(max=200), no_control_characters])
    note = TextAreaField(_l("What was wrong (for the record)"), validators=[Optional(), Length(max=1000)])
