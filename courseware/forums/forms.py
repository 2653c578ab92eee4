"""Forum forms: they only validate. Field names `title` and `body` are part of the public contract."""
from __future__ import annotations

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
        raise ValidationError("Remove the control characters from this field.")


BODY_HINT = FORMATTING_HELP


def body_field(label: str):
    return TextAreaField(label, description=BODY_HINT, filters=[_no_nul], validators=[
        DataRequired("Write something before posting."),
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
    title = StringField("Title", filters=[_no_nul], validators=[
        DataRequired("Give your thread a title."),
        Length(max=MAX_TITLE, message=f"Keep the title under {MAX_TITLE} characters."), no_control_characters])
    body = body_field("Your post")


class ReplyForm(_OncePerForm):
    body = body_field("Your reply")


class EditForm(FlaskForm):
    body = body_field("Your post")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", filters=[_no_nul], validators=[
        DataRequired("Give a reason."), Length(max=500, message="Keep the reason under 500 characters.")])


class FollowForm(FlaskForm):
    mode = RadioField("How to hear about new posts", choices=[
        SelectChoice(MailPreference.INSTANT, "A mail for each new post"),
        SelectChoice(MailPreference.DAILY, "One daily digest"), SelectChoice(MailPreference.OFF, "No mail")],
        validators=[DataRequired("Choose how you want to hear about new posts.")])
