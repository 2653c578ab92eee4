from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import no_control_characters


class ClaimForm(FlaskForm):
    """No fields: the claim is the button; the form carries the CSRF token."""


class RevokeForm(FlaskForm):
    reason = TextAreaField("Reason for revoking", description="Shown publicly on the verification page.",
                           validators=[DataRequired("Give the reason for revoking."), Length(max=1000)])


class CorrectionForm(FlaskForm):
    name = StringField("Name as it should be printed",
                       validators=[DataRequired("Enter the name as it should be printed."), Length(max=120),
                                   no_control_characters])
    organisation = StringField("Organisation as it should be printed",
                               validators=[Optional(), Length(max=200), no_control_characters])
    note = TextAreaField("What was wrong (for the record)", validators=[Optional(), Length(max=1000)])
