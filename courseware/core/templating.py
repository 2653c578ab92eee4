"""Template globals and filters shared by every page."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app


def has_endpoint(name: str) -> bool:
    """Whether a feature's page exists, so templates link only to pages that are there."""
    return name in current_app.view_functions


def format_date(value: datetime | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%-d %B %Y, %H:%M UTC") if value else ""


def describe_days(days: int) -> str:
    """A period in words, as the privacy notice and mails state it: "3 years", "1 year", "90 days".
    Whole years only when the days make whole years of 365 days; otherwise the exact number of days."""
    if days == 0:
        return "without limit"
    if days % 365 == 0:
        return f"{days // 365} year{'s' if days != 365 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["has_endpoint"] = has_endpoint
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["days"] = describe_days
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site():
        return {"site_title": site_title(app)}


def site_title(app: Flask) -> str:
    """The course's title (read from the content, never from the database)."""
    state = app.extensions.get("courseware.content", {})
    return state["course"].title if state.get("course") else "Smart-charging e-course"
