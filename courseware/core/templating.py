"""Template globals and filters shared by every page."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, has_request_context, request, url_for
from jinja2 import pass_context
from flask_login import current_user

from . import timezones
from .forms import refused_forms, summary_items


def has_endpoint(name: str) -> bool:
    """Whether a feature's page exists, so templates link only to pages that are there."""
    return name in current_app.view_functions


def site_links() -> dict[str, str]:
    """endpoint -> URL of every page whose address takes no value (the base layout's header, menu and
    footer), built once per app and script root instead of 20 url_for calls on every page. A feature's
    page that does not exist is simply absent (so the base layout's `layout_links['x']` also says whether to
    link to it)."""
    root = request.script_root if has_request_context() else ""
    built = current_app.extensions.setdefault("courseware.site_links", {})
    links = built.get(root)
    if links is None:
        endpoints = {rule.endpoint for rule in current_app.url_map.iter_rules()
                     if not rule.arguments and rule.endpoint != "static"}
        links = built[root] = {endpoint: url_for(endpoint) for endpoint in sorted(endpoints)}
    return links


def viewer_zone() -> str:
    """The time zone of whoever is looking: their account setting, else the site's DEFAULT_TIME_ZONE."""
    default = current_app.config.get("DEFAULT_TIME_ZONE") or timezones.DEFAULT_ZONE
    if not has_request_context():
        return default
    if "viewer_zone" not in g:
        chosen = getattr(current_user, "time_zone", None) if current_user.is_authenticated else None
        g.viewer_zone = chosen if timezones.is_zone(chosen) else default
    return g.viewer_zone


# The filters take the zone to show a moment in; without one, the viewer's. They work the same in
# macros imported without context, since the zone does not come from the template's variables.

def format_date(value: datetime | None, zone: str | None = None) -> str:
    return timezones.format_date(value, zone or viewer_zone())


def format_datetime(value: datetime | None, zone: str | None = None) -> str:
    return timezones.format_datetime(value, zone or viewer_zone())


def format_time(value: datetime | None, zone: str | None = None) -> str:
    return timezones.format_time(value, zone or viewer_zone())


def format_span(start: datetime, end: datetime, zone: str | None = None) -> str:
    return timezones.format_span(start, end, zone or viewer_zone())


def format_deadline(value: datetime | None, zone: str | None = None) -> str:
    return timezones.format_deadline(value, zone or viewer_zone())


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
    app.jinja_env.globals["site_links"] = site_links
    app.jinja_env.globals["viewer_zone"] = viewer_zone
    app.jinja_env.globals["refused_forms"] = pass_context(lambda ctx: refused_forms(ctx.get_all()))
    app.jinja_env.globals["error_summary_items"] = summary_items
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["span"] = format_span
    app.jinja_env.filters["deadline"] = format_deadline
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
