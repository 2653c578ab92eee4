"""Load-and-authorise helpers shared by the forum views: one place answers 404."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from ..courses.content import Module
from ..courses.views import get_module_or_404
from ..extensions import db
from . import permissions, queries
from .models import Post, Thread
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
    """The per-post links of one thread page. url_for runs once per kind of link and page (with a marker
    in place of the post's id), not once per post and link: 80 url_for calls were a fifth of the page's
    time. Each link is exactly what url_for gives for that post."""

    MARK = 987654321

    def __init__(self, module_slug: str, thread_id: int, page: int):
        here = {"module_slug": module_slug, "thread_id": thread_id}
        self._parts = {
            "show": self._split(url_for("forums.show_post", **here, post_id=self.MARK)),
            "edit": self._split(url_for("forums.edit_post", **here, post_id=self.MARK)),
            "delete": self._split(url_for("forums.delete_post", **here, post_id=self.MARK)),
            "report": self._split(url_for("forums.report_post", **here, post_id=self.MARK)),
            "hide": self._split(url_for("forums.hide_post", **here, post_id=self.MARK)),
            "restore": self._split(url_for("forums.restore_post", **here, post_id=self.MARK)),
            "quote": self._split(url_for("forums.thread", **here, page=page, quote=self.MARK, _anchor="reply")),
        }

    @classmethod
    def _split(cls, url: str) -> tuple[str, str]:
        before, mark, after = url.partition(str(cls.MARK))
        if not mark or str(cls.MARK) in after:
            raise ValueError(f"cannot make a link pattern of {url}")
        return before, after

    def _link(self, kind: str, post_id: int) -> str:
        before, after = self._parts[kind]
        return f"{before}{int(post_id)}{after}"

    def show(self, post_id: int) -> str:
        return self._link("show", post_id)

    def edit(self, post_id: int) -> str:
        return self._link("edit", post_id)

    def delete(self, post_id: int) -> str:
        return self._link("delete", post_id)

    def report(self, post_id: int) -> str:
        return self._link("report", post_id)

    def hide(self, post_id: int) -> str:
        return self._link("hide", post_id)

    def restore(self, post_id: int) -> str:
        return self._link("restore", post_id)

    def quote(self, post_id: int) -> str:
        return self._link("quote", post_id)
