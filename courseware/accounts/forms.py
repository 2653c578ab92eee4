from __future__ import annotations

from flask_babel import lazy_gettext as _l

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..core.timezones import zone_names

from .service import MIN_PASSWORD_LENGTH, normalise_email


def no_control_characters(form, field):
    if field.data and any(ord(c) < 32 for c in field.data):
        raise ValidationError(_l("Remove the control characters from this field."))


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"), description=_l("As it should appear on your certificate."),
                       validators=[DataRequired(_l("Enter your name.")), Length(max=120), no_control_characters])
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254),
        Email(_l("Enter a valid email address, like name@city.eu."), check_deliverability=False)])
    organisation = StringField(_l("Organisation"), description=_l("Your city, region or grid operator."),
                               validators=[DataRequired(_l("Enter your organisation.")), Length(max=200),
                                           no_control_characters])
    password = PasswordField(_l("Password"), description=f"At least {MIN_PASSWORD_LENGTH} characters.",
                             validators=[DataRequired(_l("Choose a password.")), Length(max=256)])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(_l("Repeat your password.")), EqualTo("password", _l("The two passwords do not match."))])

    def validate_password(self, field):
        if len(field.data) < MIN_PASSWORD_LENGTH:
            raise ValidationError(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
        if self.email.data and field.data.strip().lower() == normalise_email(self.email.data):
            raise ValidationError(_l("Your password must not be your email address."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    password = PasswordField(_l("New password"), description=f"At least {MIN_PASSWORD_LENGTH} characters.",
                             validators=[DataRequired(_l("Choose a new password.")), Length(max=256)])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(_l("Repeat your new password.")), EqualTo("password", _l("The two passwords do not match."))])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254),
        Email(_l("Enter a valid email address."), check_deliverability=False)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), description=f"At least {MIN_PASSWORD_LENGTH} characters.",
                             validators=[DataRequired(_l("Choose a new password.")), Length(max=256)])
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(_l("Repeat your new password.")), EqualTo("password", _l("The two passwords do not match."))])


class TimeZoneForm(FlaskForm):
    time_zone = SelectField(_l("Your time zone"), description=_l("Dates and times on this site and in your mail are shown "
                            "in this zone."), validate_choice=False,
                            validators=[DataRequired(_l("Choose your time zone."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [(name, name.replace("_", " ")) for name in zone_names()]

    def validate_time_zone(self, field):
        if field.data not in zone_names():
            raise ValidationError(_l("Choose a time zone from the list, for example Europe/Brussels."))
