"""Load-and-authorise helpers shared by the forum views: one place answers 404."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..courses.content import Module
from ..courses.views import get_module_or_404
from ..extensions import db
from . import permissions, queries
from .models import Post, Thread
from ..core.links import IdLink
from ..core.params import db_int


def page_number() -> int:
    return request.args.get("page", 1, type=db_int)


def respond(template: str, status: int = 200, **context):
    """Render, then commit the read marks: rendering first keeps every loaded row usable."""
    html = render_template(template, **context)
    db.session.commit()
    return html, status


# Load and authorise --------------------------------------------------------------

def get_thread_or_404(module_slug: str, thread_id: int) -> tuple[Module, Thread]:
    module = get_module_or_404(module_slug)
    thread = db.session.get(Thread, thread_id)
    if thread is None or thread.module_slug != module.slug:
        abort(404)
    return module, thread


def get_post_or_404(module_slug: str, thread_id: int, post_id: int, must_see: bool = True):
    """(module, thread, post, author). 404 when the post is elsewhere or, with `must_see`,
    when the viewer may not read its text (deleted, or hidden from them)."""
    module = get_module_or_404(module_slug)
    found = queries.load_post_with_author(post_id)
    if found is None:
        abort(404)
    post, author = found
    if post.thread_id != thread_id or post.thread.module_slug != module.slug:
        abort(404)
    if must_see and not permissions.can_see_post_text(current_user, post):
        abort(404)
    return module, post.thread, post, author


def thread_url(thread: Thread, post: Post | None = None, **kwargs) -> str:
    if post is not None:
        return url_for("forums.show_post", module_slug=thread.module_slug, thread_id=thread.id, post_id=post.id)
    return url_for("forums.thread", module_slug=thread.module_slug, thread_id=thread.id, **kwargs)


class PostLinks:
    """The per-post links of one thread page (core/links.py: one url_for per kind of link and page,
    not per post and link; 80 url_for calls were a fifth of the page's time)."""

    def __init__(self, module_slug: str, thread_id: int, page: int):
        here = {"module_slug": module_slug, "thread_id": thread_id}
        self.show = IdLink("forums.show_post", "post_id", **here)
        self.edit = IdLink("forums.edit_post", "post_id", **here)
        self.delete = IdLink("forums.delete_post", "post_id", **here)
        self.report = IdLink("forums.report_post", "post_id", **here)
        self.hide = IdLink("forums.hide_post", "post_id", **here)
        self.restore = IdLink("forums.restore_post", "post_id", **here)
        self.quote = IdLink("forums.thread", "quote", **here, page=page, _anchor="reply")
