"""Forms of the editions feature. They only read and check what was typed; the services decide."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from ..accounts.forms import no_control_characters
from ..core import timezones
from .models import Edition

ALL = "all"


class DayField(StringField):
    """A day typed as YYYY-MM-DD (a date input in the browser); `.day` holds the date, or None when empty."""

    day = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        try:
            self.day = timezones.parse_date(self.data)
        except timezones.TimeInputError as e:
            raise ValidationError(str(e)) from None


class MomentField(StringField):
    """A date and time in ISO 8601; without a UTC offset it is read in `form.zone_name`. `.moment` is UTC."""

    moment = None

    def pre_validate(self, form):
        try:
            self.moment = timezones.parse_datetime(self.data, form.zone_name)
        except timezones.TimeInputError as e:
            raise ValidationError(str(e)) from None


def edition_choices(editions: list[Edition], everyone: str) -> list[tuple[str, str]]:
    return [(ALL, everyone)] + [(str(e.id), e.name) for e in editions]


class EditionChoiceMixin:
    """An `edition` select whose value is an edition's id or `all`; `.chosen_edition` the Edition or None."""

    chosen_edition: Edition | None = None

    def set_editions(self, editions: list[Edition], everyone: str = "Every edition (all learners)") -> None:
        self._editions = {str(e.id): e for e in editions}
        self.edition.choices = edition_choices(editions, everyone)

    def validate_edition(self, field):
        value = (field.data or ALL).strip()
        if value == ALL:
            self.chosen_edition = None
        elif value in self._editions:
            self.chosen_edition = self._editions[value]
        else:
            raise ValidationError(_l("Choose an edition from the list, or all learners."))


class EditionForm(FlaskForm):
    name = StringField(_l("Name"), description=_l("For example “Spring 2027”. Printed on the certificates of its learners."),
                       validators=[Length(max=120, message=_l("Keep the name under 120 characters.")),
                                   no_control_characters])
    registration_opens = DayField(_l("Registration opens"),
                                  description=_l("Optional. From this day on, new learners join this edition."))
    registration_closes = DayField(_l("Registration closes"),
                                   description=_l("Optional. The last day on which new learners join this edition."))
    starts_on = DayField(_l("Starts on"), description=_l("Optional. The day the edition starts."),)
    certification_deadline = DayField(_l("Certification deadline"),
                                      description=_l("Optional. The last day on which its learners can submit "
                                                  "assignments and claim the certificate."))


class MoveForm(FlaskForm):
    edition = SelectField(_l("Move to"), validate_choice=False)

    chosen_edition: Edition | None = None

    def set_editions(self, editions: list[Edition]) -> None:
        self._editions = {str(e.id): e for e in editions}
        self.edition.choices = [(str(e.id), e.name) for e in editions]

    def validate_edition(self, field):
        self.chosen_edition = self._editions.get((field.data or "").strip())
        if self.chosen_edition is None:
            raise ValidationError(_l("Choose an edition from the list."))


class AnnouncementForm(EditionChoiceMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200, message=_l("Keep the title under 200 characters.")),
                                             no_control_characters])
    body = TextAreaField(_l("Announcement"), description=_l("Markdown: **bold**, *italic*, lists, links."),
                         validators=[Length(max=20_000, message=_l("Keep the announcement under 20,000 characters."))])
    edition = SelectField(_l("For"), validate_choice=False)


class SessionForm(EditionChoiceMixin, FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200, message=_l("Keep the title under 200 characters.")),
                                             no_control_characters])
    starts_at = MomentField(_l("Starts at"))
    ends_at = MomentField(_l("Ends at"))
    join_url = StringField(_l("Link to join"), description=_l("The meeting room, starting with https://."),
                           render_kw={"type": "url"})
    recording_url = StringField(_l("Link to the recording"), description=_l("Optional; add it after the session."),
                                render_kw={"type": "url"})
    slides_url = StringField(_l("Link to the slides"), description=_l("Optional."), render_kw={"type": "url"})
    edition = SelectField(_l("For"), validate_choice=False)

    def __init__(self, *args, zone_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name
        hint = (f"For example 2027-03-04 14:00, in your time zone ({zone_name.replace('_', ' ')}), or in ISO 8601 "
                "with an offset, for example 2027-03-04T14:00+01:00.")
        self.starts_at.description = hint
        self.ends_at.description = "As the start."


class MailSettingForm(FlaskForm):
    announcements = BooleanField(_l("Email me announcements from the course team"))
    session_reminders = BooleanField(_l("Email me a reminder the day before a live session"))
