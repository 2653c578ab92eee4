"""Following threads and forums, the notification settings page, and the old opt-out links of forum
mail (today's links go to the one opt-out page of every kind of mail, core.mail.views)."""
from __future__ import annotations

from flask_babel import gettext

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from itsdangerous import BadSignature
from sqlalchemy import select

from ..accounts.models import User
from ..core.errors import DomainError
from ..core.mail.optout import unsubscribe_url
from ..core.site import current_site
from ..courses.content import get_course
from ..extensions import db
from . import notify, service
from .forms import FollowForm
from .loaders import get_thread_or_404, thread_url
from .optout import describe_scope
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
        flash(gettext("Choose how you want to hear about new posts."), "error")
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


# Links in forum mail sent before the one opt-out mechanism (core.mail.optout) existed.
LEGACY_SALT = "forum-unsubscribe"


def unsubscribe(token: str):
    """An old forum opt-out link: sent on to the same page as every other opt-out link."""
    site = current_site()
    try:
        data = site.serializer(LEGACY_SALT).loads(token)
    except BadSignature:
        abort(404)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("s"), str):
        abort(404)
    return redirect(unsubscribe_url(site, data["u"], notify.FORUM, data["s"]), code=301)
