"""Following threads and forums, the notification settings page, and the opt-out link from
mails (it works without signing in: the signed token names the person and what to stop)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.models import User
from ..core.errors import DomainError
from ..core.site import current_site
from ..courses.content import get_course
from ..extensions import db
from . import notify, service
from ..core.forms import ActionForm
from .forms import FollowForm
from .loaders import get_thread_or_404, thread_url
from ..core.vocabulary import MailPreference
from .models import SCOPE_ALL, SCOPE_OWN_THREADS, Subscription, Thread, module_scope, thread_scope


SAVED = {MailPreference.INSTANT: "You will get a mail for each new post.",
         MailPreference.DAILY: "You will get one daily digest.", MailPreference.OFF: "You will get no mail about this."}


def _save(scope: str, fallback: str):
    form = FollowForm()
    if form.validate_on_submit():
        try:
            service.set_subscription(current_user, scope, form.mode.data)
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            db.session.commit()
            flash(SAVED[form.mode.data], "success")
    else:
        flash("Choose how you want to hear about new posts.", "error")
    return redirect(fallback, code=303)


@login_required
def follow_module(module_slug: str):
    module = get_course().module(module_slug)
    if module is None:
        abort(404)
    return _save(module_scope(module.slug), url_for("forums.thread_list", module_slug=module.slug))


@login_required
def follow_thread(module_slug: str, thread_id: int):
    _, thread = get_thread_or_404(module_slug, thread_id)
    return _save(thread_scope(thread.id), thread_url(thread))


def _known_scope(scope: str, user: User) -> bool:
    if scope == SCOPE_OWN_THREADS or (scope == SCOPE_ALL and user.is_staff):
        return True
    kind, _, rest = scope.partition(":")
    if kind == "module":
        return get_course().module(rest) is not None
    if kind == "thread" and rest.isdigit() and len(rest) < 12:
        return db.session.get(Thread, int(rest)) is not None
    return False


def describe_scope(scope: str, thread_titles: dict[int, str] | None = None) -> str:
    if scope == SCOPE_OWN_THREADS:
        return "Replies to threads you started"
    if scope == SCOPE_ALL:
        return "Every forum"
    kind, _, rest = scope.partition(":")
    if kind == "module":
        module = get_course().module(rest)
        return f"The forum of “{module.title}”" if module else "A forum that no longer exists"
    if kind == "thread" and rest.isdigit():
        title = (thread_titles or {}).get(int(rest))
        if title is None:
            thread = db.session.get(Thread, int(rest))
            title = thread.title if thread else None
        return f"The thread “{title}”" if title else "A thread that no longer exists"
    return "These notifications"


@login_required
def notification_settings():
    if request.method == "POST":
        scope = request.form.get("scope", "")
        if not _known_scope(scope, current_user):
            abort(404)
        return _save(scope, url_for("forums.notification_settings"))
    current = dict(db.session.execute(select(Subscription.scope, Subscription.mode).where(
        Subscription.user_id == current_user.id)).all())
    thread_ids = [int(s[7:]) for s in current if s.startswith("thread:") and s[7:].isdigit()]
    threads = {t.id: t for t in db.session.scalars(select(Thread).where(Thread.id.in_(thread_ids)))}
    rows = [(SCOPE_OWN_THREADS, current.get(SCOPE_OWN_THREADS, MailPreference.INSTANT), None)]
    rows += [(module_scope(m.slug), current.get(module_scope(m.slug), MailPreference.OFF), None) for m in get_course().modules]
    if current_user.is_staff:
        rows.append((SCOPE_ALL, current.get(SCOPE_ALL, MailPreference.OFF), None))
    rows += [(thread_scope(t.id), current[thread_scope(t.id)], t)
             for t in sorted(threads.values(), key=lambda t: t.id) if current[thread_scope(t.id)] is not MailPreference.OFF]
    titles = {t.id: t.title for t in threads.values()}
    return render_template("forums/settings.html",
                           rows=[(scope, mode, describe_scope(scope, titles), t) for scope, mode, t in rows])


def unsubscribe(token: str):
    found = notify.read_unsubscribe_token(current_site(), token)
    user = db.session.get(User, found[0]) if found else None
    if user is None:
        abort(404)
    scope = found[1]
    form = ActionForm()
    done = False
    if form.validate_on_submit():
        service.set_subscription(user, scope, MailPreference.OFF)
        db.session.commit()
        done = True
    return render_template("forums/unsubscribe.html", form=form, done=done, what=describe_scope(scope),
                           email=user.email)
