"""Time zones: every `*_at` column holds UTC; people see and type times in their own zone.

The one place where dates and times are formatted for people (pages through the template filters in
core.templating, mail through these functions with the recipient's zone) and where typed dates and
times are read back. The standard library's zoneinfo does the work; the `tzdata` package supplies the
IANA database where the system has none.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date as _babel_date

DEFAULT_ZONE = "Europe/Brussels"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TimeInputError(ValueError):
    """A typed date or time that cannot be read; the message is safe to show beside the field."""


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """The zones a person may choose: every Area/Location zone of the IANA database, and UTC."""
    names = {n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/", "US/"))}
    return tuple(sorted(names | {"UTC"}))


def is_zone(name: str | None) -> bool:
    return bool(name) and name in zone_names()


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(name: str | None, default: str = DEFAULT_ZONE) -> ZoneInfo:
    """The zone called `name`, or `default` when it is unset or unknown."""
    try:
        return _zone(name if is_zone(name) else default)
    except ZoneInfoNotFoundError:
        return _zone("UTC")


def local(value: datetime, zone_name: str | None) -> datetime:
    return value.astimezone(zone(zone_name))


# Formatting ------------------------------------------------------------------------------------
# Dates in words follow the language of the page or mail being written (Babel's "long" date: 4 March 2027,
# 4. März 2027, 4 mars 2027, 4 maart 2027); English is written the British way.

def _locale() -> str:
    try:
        from flask_babel import get_locale
        locale = get_locale()
    except (ImportError, RuntimeError):
        locale = None
    if locale is None or locale.language == "en":
        return "en_GB"
    return str(locale)


def _day(day: date) -> str:
    return _day_in(day, _locale())


@lru_cache(maxsize=4096)
def _day_in(day: date, locale: str) -> str:
    """A calendar day in words. The same day reads the same in one language for everyone, and Babel
    takes about 60 µs to say it: a page of 50 dated rows (the grading queue) spent a tenth of its time
    here, so each (day, language) is written once per process."""
    return _babel_date(day, format="long", locale=locale)


def format_date(value: datetime | date | None, zone_name: str | None) -> str:
    """'4 March 2027' in the zone; a calendar date (a document's date, say) is shown as it is."""
    if not value:
        return ""
    day = local(value, zone_name) if isinstance(value, datetime) else value
    return _day(day)


def format_time(value: datetime | None, zone_name: str | None) -> str:
    """'14:00 CET' in the zone."""
    return local(value, zone_name).strftime("%H:%M %Z") if value else ""


def format_datetime(value: datetime | None, zone_name: str | None) -> str:
    """'4 March 2027, 14:00 CET' in the zone."""
    if not value:
        return ""
    moment = local(value, zone_name)
    return f"{_day(moment.date())}, {moment.strftime('%H:%M %Z')}"


def format_span(start: datetime, end: datetime, zone_name: str | None) -> str:
    """'4 March 2027, 14:00–15:30 CET', or both ends in full when they fall on different days."""
    a, b = local(start, zone_name), local(end, zone_name)
    if a.date() == b.date():
        if a.strftime("%Z") == b.strftime("%Z"):
            return f"{_day(a.date())}, {a.strftime('%H:%M')}–{b.strftime('%H:%M %Z')}"
        return f"{_day(a.date())}, {a.strftime('%H:%M %Z')}–{b.strftime('%H:%M %Z')}"
    return f"{format_datetime(start, zone_name)} – {format_datetime(end, zone_name)}"


def format_deadline(moment: datetime | None, zone_name: str | None) -> str:
    """A deadline stored as the first moment it has passed, shown as the last minute before it:
    '30 June 2027, 23:59 CEST'."""
    return format_datetime(moment - timedelta(minutes=1), zone_name) if moment else ""


def input_datetime(value: datetime | None, zone_name: str | None) -> str:
    """The form of a moment to put back into a text field: ISO 8601 with the zone's offset."""
    return local(value, zone_name).isoformat(timespec="minutes") if value else ""


# Reading what people type ---------------------------------------------------------------------

def parse_date(text: str | None) -> date | None:
    """YYYY-MM-DD, or None for an empty field. Raises TimeInputError."""
    text = (text or "").strip()
    if not text:
        return None
    if not _DATE.match(text):
        raise TimeInputError("Enter the date as YYYY-MM-DD, for example 2027-03-01.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TimeInputError("This date does not exist. Enter it as YYYY-MM-DD, for example 2027-03-01.") from None


def start_of_day(day: date, zone_name: str | None) -> datetime:
    """The first moment of `day` in the zone, in UTC (midnight, or the first hour that exists)."""
    tz = zone(zone_name)
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)


def end_of_day(day: date, zone_name: str | None) -> datetime:
    """The first moment after `day` in the zone, in UTC: what a deadline 'on `day`' is stored as."""
    return start_of_day(day + timedelta(days=1), zone_name)


def day_of(moment: datetime | None, zone_name: str | None, *, end: bool = False) -> date | None:
    """The day a stored moment names in the zone; with `end`, the day it closes (the day before the moment)."""
    if moment is None:
        return None
    if end:
        moment = moment - timedelta(microseconds=1)
    return local(moment, zone_name).date()


def parse_datetime(text: str | None, zone_name: str | None) -> datetime | None:
    """ISO 8601 date and time, in UTC, or None for an empty field. With a UTC offset (2027-03-04T14:00+01:00
    or ...Z) the moment is exact; without one it is read in the zone `zone_name`. Raises TimeInputError."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > 40 or not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
        raise TimeInputError("Enter a date and time as YYYY-MM-DD HH:MM, for example 2027-03-04 14:00, "
                             "or in ISO 8601 with an offset, for example 2027-03-04T14:00+01:00.")
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise TimeInputError("This date or time does not exist. Enter it as YYYY-MM-DD HH:MM, "
                             "for example 2027-03-04 14:00.") from None
    if value.tzinfo is None:
        tz = zone(zone_name)
        value = value.replace(tzinfo=tz)
        # A wall-clock time skipped when the clocks go forward does not survive the round trip.
        if value.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) != value.replace(tzinfo=None):
            raise TimeInputError("This time does not exist in your time zone: the clocks change that night. "
                                 "Choose another time.")
    return value.astimezone(timezone.utc)
