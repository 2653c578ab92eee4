"""Every address of the forums feature in one table: the URL rule, the view that answers it and its methods.

Registered by create_app; endpoint names are "<package>.<view function>"."""
from __future__ import annotations

from flask import Blueprint

from . import follow_views, moderation_views, views

bp = Blueprint("forums", __name__)
# Forum pages name authors and show only the buttons that work (permissions).
bp.context_processor(views.forum_helpers)

bp.add_url_rule("/modules/<module_slug>/forum/", view_func=views.thread_list, methods=["GET", "POST"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/", view_func=views.thread, methods=["GET", "POST"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/posts/<int:post_id>/", view_func=views.show_post, methods=["GET"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/posts/<int:post_id>/edit", view_func=views.edit_post, methods=["GET", "POST"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/posts/<int:post_id>/delete", view_func=views.delete_post, methods=["GET", "POST"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/posts/<int:post_id>/report", view_func=views.report_post, methods=["GET", "POST"])
bp.add_url_rule("/modules/<module_slug>/forum/follow", view_func=follow_views.follow_module, methods=["POST"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/follow", view_func=follow_views.follow_thread, methods=["POST"])
bp.add_url_rule("/forum/notifications/", view_func=follow_views.notification_settings, methods=["GET", "POST"])
# Opt-out links in forum mail sent before /unsubscribe/<token> (core) served every kind of mail.
bp.add_url_rule("/forum/unsubscribe/<token>", view_func=follow_views.unsubscribe, methods=["GET"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/moderate/<action>", view_func=moderation_views.moderate_thread, methods=["POST"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/posts/<int:post_id>/hide", view_func=moderation_views.hide_post, methods=["GET", "POST"])
bp.add_url_rule("/modules/<module_slug>/forum/<int:thread_id>/posts/<int:post_id>/restore", view_func=moderation_views.restore_post, methods=["POST"])
bp.add_url_rule("/forum/moderation/", view_func=moderation_views.moderation_queue, methods=["GET"])
bp.add_url_rule("/forum/reports/<int:report_id>/resolve", view_func=moderation_views.resolve_report, methods=["POST"])
