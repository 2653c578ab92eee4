"""Forum pages: the thread list and thread page (SPEC section 4), posting, editing, deleting,
quoting and reporting. Moderation, following and opt-out pages are in moderation_views.py."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..accounts.access import confirmed_email_required
from ..core.errors import DomainError
from ..core.forms import add_error, form_status
from ..core.site import current_site
from ..core.time import utcnow
from ..core.safe_markdown import render_safe
from ..courses.content import Module, get_course
from ..courses.views import get_module_or_404
from ..editions.filters import EVERYONE, UnknownEdition, filter_choices, parse_edition_filter
from ..editions.loaders import viewer_edition
from ..editions.service import all_editions
from ..extensions import client_address, db, limiter
from . import permissions, queries, service
from ..core.forms import ActionForm
from .forms import EditForm, ReasonForm, ReplyForm, ThreadForm
from .loaders import PostLinks, get_post_or_404, get_thread_or_404, page_number, respond, thread_url
from .models import EDIT_WINDOW_MINUTES, SCOPE_ALL, SCOPE_OWN_THREADS, Post, Thread, module_scope, thread_scope
from ..core.params import db_int


POSTING_LIMIT = "60 per 10 minutes"


def _posted_message(done: str, module: Module) -> str:
    """The confirmation after posting; for learners with where they stand: "1 of 2 posts" in this module."""
    if not current_user.is_learner:
        return done
    posts = service.visible_post_counts(get_course(), current_user.id).get(module.slug, 0)
    needed = module.forum_posts_required
    if posts < needed:
        return gettext("%(done)s %(n)s of %(needed)s posts in this module's forum: %(left)s more needed for the certificate.",
                 done=done, n=posts, needed=needed, left=needed - posts)
    return gettext("%(done)s %(needed)s of %(needed)s posts in this module's forum: this requirement is completed.",
             done=done, needed=needed)


def _poster_key() -> str:
    return f"forum-post:{current_user.id}" if current_user.is_authenticated else f"forum-post:{client_address()}"


def _stored(response) -> bool:
    # A stored post redirects; previews and refused input do not use up the allowance.
    return response.status_code in (302, 303)


# Shared by starting threads and replying: a flood limit per account.
posting_limit = limiter.shared_limit(POSTING_LIMIT, scope="forum-post", key_func=_poster_key, methods=["POST"],
                                     deduct_when=_stored,
                                     error_message="You have posted a lot in a short time. Wait a few minutes.")


def forum_helpers():
    return {"author_name": service.author_name, "perm": permissions, "EDIT_WINDOW_MINUTES": EDIT_WINDOW_MINUTES}


# The two pages of the public contract ----------------------------------------------

@posting_limit
@login_required
@confirmed_email_required
def thread_list(module_slug: str):
    module = get_module_or_404(module_slug)
    form = ThreadForm()
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = render_safe(form.body.data)
        else:
            try:
                post = service.start_thread(current_site(), current_user, module, form.title.data, form.body.data,
                                            form.form_token.data)
            except DomainError as e:
                db.session.rollback()
                add_error(form, e.field, e.message)
            else:
                db.session.commit()
                flash(_posted_message(gettext("Your thread has been started."), module), "success")
                return redirect(thread_url(post.thread), code=303)
    edition_filter, filter_error = _edition_filter()
    page = queries.thread_page(module.slug, current_user, page_number(), edition=edition_filter)
    if page is None:
        abort(404)
    form.give_token()
    follow = service.subscriptions_of(current_user, [module_scope(module.slug)]).get(module_scope(module.slug))
    status = 422 if filter_error else form_status(form)
    return respond("forums/thread_list.html", status, module=module, page=page, form=form,
                    preview=preview, follow_mode=follow, edition_filter=edition_filter, filter_error=filter_error,
                    own_edition=viewer_edition(),
                    edition_choices=filter_choices(all_editions()) if current_user.is_staff else None)


def _edition_filter():
    """`?edition=<id>`: staff may pick any edition; a learner only their own. Returns (filter, error message)."""
    value = request.args.get("edition")
    try:
        chosen = parse_edition_filter(value)
    except UnknownEdition as e:
        return EVERYONE, e.message
    if chosen.active and not current_user.is_staff:
        own = viewer_edition()
        if chosen.edition is None or own is None or chosen.edition.id != own.id:
            return EVERYONE, "You can filter the threads to your own edition only."
    return chosen, None


@posting_limit
@login_required
@confirmed_email_required
def thread(module_slug: str, thread_id: int):
    module, thread = get_thread_or_404(module_slug, thread_id)
    form = ReplyForm()
    preview = None
    status = 200
    if request.method == "POST" and not permissions.can_reply(current_user, thread):
        form.validate_on_submit()
        form.form_errors.append("This thread is locked: no new replies can be added.")
        status = 403
    elif form.validate_on_submit():
        if "preview" in request.form:
            preview = render_safe(form.body.data)
        else:
            try:
                post = service.reply(current_site(), current_user, module, thread, form.body.data,
                                     form.form_token.data)
            except DomainError as e:
                db.session.rollback()
                add_error(form, e.field, e.message)
                status = getattr(e, "status", 422)
            else:
                db.session.commit()
                flash(_posted_message(gettext("Your reply has been posted at the end of the thread."), module), "success")
                # The page of the reply, at its top: the confirmation stays in view (no jump to the post's anchor).
                return redirect(url_for("forums.thread", module_slug=thread.module_slug, thread_id=thread.id,
                                        page=queries.page_of_post(post)), code=303)
    quote_id = request.args.get("quote", type=db_int)
    if request.method == "GET" and quote_id is not None:
        _, _, quoted, quoted_author = get_post_or_404(module_slug, thread_id, quote_id)
        if not permissions.can_quote_post(current_user, quoted, thread):
            abort(404)
        form.body.data = quote_markdown(quoted, quoted_author)
    return _thread_page(module, thread, form, preview, form_status(form, status) if status == 200 else status)


def quote_markdown(post: Post, author) -> str:
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    return f"> **{service.author_name(author, post.by_course_team)}** wrote:\n>\n{quoted}\n\n"


def _thread_page(module: Module, thread: Thread, form: ReplyForm, preview, status: int):
    viewer = current_user._get_current_object()
    moderator = permissions.can_moderate(viewer)
    seen_before = service.mark_read(viewer, thread)
    page = queries.post_page(thread, page_number(), seen_before, with_revisions=moderator)
    if page is None:
        abort(404)
    now = utcnow()
    for row in page.items:
        row.can = permissions.post_actions(viewer, row.post, thread, now)
    form.give_token()
    scopes = [thread_scope(thread.id), module_scope(module.slug), SCOPE_OWN_THREADS, SCOPE_ALL]
    follows = service.subscriptions_of(current_user, scopes)
    return respond("forums/thread.html", status, module=module, thread=thread, page=page, form=form,
                    preview=preview, follows=follows, thread_scope=thread_scope(thread.id), moderator=moderator,
                   links=PostLinks(module.slug, thread.id, page.page))


@login_required
def show_post(module_slug: str, thread_id: int, post_id: int):
    """A stable address for one post (used in mails): the thread page on which it appears."""
    _, thread, post, _ = get_post_or_404(module_slug, thread_id, post_id, must_see=False)
    return redirect(url_for("forums.thread", module_slug=thread.module_slug, thread_id=thread.id,
                            page=queries.page_of_post(post), _anchor=f"post-{post.id}"))


# Editing and deleting one's own posts ---------------------------------------------------

@login_required
@confirmed_email_required
def edit_post(module_slug: str, thread_id: int, post_id: int):
    module, thread, post, _ = get_post_or_404(module_slug, thread_id, post_id)
    if not permissions.can_edit_post(current_user, post):
        abort(403)
    form = EditForm(data={"body": post.body} if request.method == "GET" else None)
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = render_safe(form.body.data)
        else:
            try:
                changed = service.edit_post(current_user, post, form.body.data)
            except DomainError as e:
                db.session.rollback()
                add_error(form, e.field, e.message)
            else:
                db.session.commit()
                flash("Your post has been updated." if changed else "Nothing was changed.", "success")
                return redirect(thread_url(thread, post), code=303)
    return render_template("forums/edit_post.html", module=module, thread=thread, post=post, form=form,
                           preview=preview), form_status(form)


@login_required
def delete_post(module_slug: str, thread_id: int, post_id: int):
    module, thread, post, author = get_post_or_404(module_slug, thread_id, post_id)
    if not permissions.can_delete_post(current_user, post):
        abort(403)
    form = ActionForm()
    if form.validate_on_submit():
        service.delete_post(current_user, post)
        db.session.commit()
        flash(gettext("Your post has been deleted. Replies to it stay in the thread."), "success")
        return redirect(thread_url(thread, post), code=303)
    return render_template("forums/delete_post.html", module=module, thread=thread, post=post, author=author,
                           form=form), form_status(form)


@login_required
def report_post(module_slug: str, thread_id: int, post_id: int):
    module, thread, post, author = get_post_or_404(module_slug, thread_id, post_id)
    if not permissions.can_report_post(current_user, post):
        abort(403)
    form = ReasonForm()
    form.reason.label.text = "What is wrong with this post?"
    if form.validate_on_submit():
        try:
            report = service.report_post(current_site(), current_user, post, form.reason.data)
        except DomainError as e:
            db.session.rollback()
            add_error(form, e.field, e.message)
        else:
            db.session.commit()
            flash("Thank you: the tutors have been told." if report else "You have already reported this post.",
                  "success" if report else "info")
            return redirect(thread_url(thread, post), code=303)
    return render_template("forums/report_post.html", module=module, thread=thread, post=post, author=author,
                           form=form), form_status(form)

