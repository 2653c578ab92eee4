"""Every address of the editions feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import admin_views, announcement_views, calendar_views, session_views

bp = Blueprint("editions", __name__)

# Editions and moves (admins).
bp.add_url_rule("/admin/editions/", view_func=admin_views.editions, methods=["GET", "POST"])
bp.add_url_rule("/admin/editions/<int:edition_id>/", view_func=admin_views.edit_edition, methods=["GET", "POST"])
bp.add_url_rule("/admin/editions/<int:edition_id>/adopt", view_func=admin_views.adopt_learners, methods=["POST"])
bp.add_url_rule("/admin/learners/<int:user_id>/edition", view_func=admin_views.move_learner, methods=["GET", "POST"])
# Announcements.
bp.add_url_rule("/announcements/", endpoint="announcements", view_func=announcement_views.announcements_page,
                methods=["GET", "POST"])
bp.add_url_rule("/announcements/<int:announcement_id>/read", view_func=announcement_views.mark_read, methods=["POST"])
bp.add_url_rule("/announcements/<int:announcement_id>/dismiss", view_func=announcement_views.dismiss,
                methods=["POST"])
bp.add_url_rule("/announcements/read-all", view_func=announcement_views.mark_all_read, methods=["POST"])
bp.add_url_rule("/announcements/settings", view_func=announcement_views.mail_settings, methods=["POST"])
# Live sessions.
bp.add_url_rule("/sessions/", view_func=session_views.sessions, methods=["GET", "POST"])
bp.add_url_rule("/sessions/<int:session_id>.ics", view_func=session_views.session_ics, methods=["GET"])
bp.add_url_rule("/sessions/<int:session_id>/edit", view_func=session_views.edit_session, methods=["GET", "POST"])
bp.add_url_rule("/sessions/<int:session_id>/cancel", view_func=session_views.cancel_session, methods=["POST"])
bp.add_url_rule("/sessions/<int:session_id>/attendance", view_func=session_views.attendance,
                methods=["GET", "POST"])
# The calendar feed, and its address on the account page.
bp.add_url_rule("/calendar/<token>.ics", view_func=calendar_views.calendar_feed, methods=["GET"])
bp.add_url_rule("/account/calendar", view_func=calendar_views.create_calendar_link, methods=["POST"])
bp.add_url_rule("/account/calendar/revoke", view_func=calendar_views.revoke_calendar_link, methods=["POST"])
