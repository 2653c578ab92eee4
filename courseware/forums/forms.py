"""Forum forms: they only validate. Field names `title` and `body` are part of the public contract."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..core.forms import FORMATTING_HELP
from ..core.vocabulary import MailPreference
from .service import MAX_BODY, MAX_TITLE


def _no_nul(value):
    # PostgreSQL refuses NUL in text; nobody types one on purpose.
    return value.replace("\x00", "") if isinstance(value, str) else value


def no_control_characters(form, field):
    if field.data and any(ord(c) < 32 for c in field.data):
        raise ValidationError(_l("Remove the control characters from this field."))


BODY_HINT = FORMATTING_HELP


def body_field(label: str):
    return TextAreaField(label, description=BODY_HINT, filters=[_no_nul], validators=[
        DataRequired(_l("Write something before posting.")),
        Length(max=MAX_BODY, message=f"Keep your post under {MAX_BODY:,} characters.")])


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


class _OncePerForm(FlaskForm):
    # A fresh token per rendered form: a double click sends it twice, the server stores one post.
    form_token = HiddenField(validators=[Optional(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]+$")])

    def give_token(self) -> None:
        if not self.form_token.data:
            self.form_token.data = new_form_token()


class ThreadForm(_OncePerForm):
    title = StringField(_l("Title"), filters=[_no_nul], validators=[
        DataRequired(_l("Give your thread a title.")),
        Length(max=MAX_TITLE, message=f"Keep the title under {MAX_TITLE} characters."), no_control_characters])
    body = body_field(_l("Your post"))


class ReplyForm(_OncePerForm):
    body = body_field(_l("Your reply"))


class EditForm(FlaskForm):
    body = body_field(_l("Your post"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[_no_nul], validators=[
        DataRequired(_l("Give a reason.")), Length(max=500, message=_l("Keep the reason under 500 characters."))])


class FollowForm(FlaskForm):
    mode = RadioField(_l("How to hear about new posts"), choices=[
        SelectChoice(MailPreference.INSTANT, _l("A mail for each new post")),
        SelectChoice(MailPreference.DAILY, _l("One daily digest")), SelectChoice(MailPreference.OFF, _l("No mail"))],
        validators=[DataRequired(_l("Choose how you want to hear about new posts."))])
