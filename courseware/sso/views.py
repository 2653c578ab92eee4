"""Sign-in through an organisation's OpenID provider (SPEC section 8.4). Every failure shows a page that
says what happened, and signs nobody in."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import service as accounts
from ..accounts.signin import sign_in
from ..accounts.throttle import SignInThrottle
from ..core.auth import is_safe_next
from ..core.forms import ActionForm, render_form
from ..core.rate_limits import shared_counters
from ..core.registration import run_steps
from ..core.site import current_site
from ..core.time import utcnow
from ..extensions import client_address, db, limiter
from . import oidc, providers, requirements, service
from .forms import LinkForm
from .oidc import Failure, SignInFailed
from .providers import Provider

PENDING = "sso_pending"       # the verified identity waiting for the person's confirmation (or password)
NEXT = "sso_next"             # where to go once signed in
PENDING_SECONDS = 15 * 60


def _provider(name: str) -> Provider:
    provider = providers.find(current_site(), name)
    if provider is None:
        abort(404)
    return provider


def _home() -> str:
    return url_for("courses.home")


def _next() -> str:
    target = session.get(NEXT)
    return target if is_safe_next(target) else _home()


def _failure_text(provider: Provider, error: SignInFailed) -> tuple[int, str, str]:
    label = provider.label
    match error.failure:
        case Failure.UNREACHABLE:
            return 502, _("%(label)s cannot be reached", label=label), _(
                "We could not reach your organisation's sign-in service. Nobody has been signed in. Try again in "
                "a few minutes.")
        case Failure.STATE:
            return 400, _("This sign-in could not be matched"), _(
                "The answer from %(label)s does not belong to a sign-in started in this browser, or it has been "
                "used already. Nobody has been signed in. Start again from the sign-in page.", label=label)
        case Failure.DENIED:
            return 400, _("The sign-in was not completed"), _(
                "%(label)s did not sign you in; perhaps it was cancelled. Nobody has been signed in.", label=label)
        case Failure.CODE:
            return 400, _("The sign-in code was refused"), _(
                "%(label)s refused the code it had sent: it has expired or was used already. Nobody has been "
                "signed in. Start again.", label=label)
        case Failure.TOKEN:
            return 400, _("The sign-in could not be verified"), _(
                "The answer from %(label)s failed our checks (its signature, issuer, audience or age). Nobody has "
                "been signed in. If this keeps happening, tell the operator of this site.", label=label)
        case Failure.UNVERIFIED_EMAIL:
            return 400, _("Your email address is not verified"), _(
                "%(label)s has not verified the address %(email)s, so no account can be made or found with it. "
                "Ask your organisation's IT service to verify it, then try again. Nobody has been signed in.",
                label=label, email=error.detail)
        case Failure.NO_EMAIL:
            return 400, _("No email address was sent"), _(
                "%(label)s did not send your email address, which your account here needs. Ask your "
                "organisation's IT service to release it to this site. Nobody has been signed in.", label=label)
        case Failure.OUTSIDE_DOMAINS:
            return 400, _("This address is not served here"), _(
                "%(label)s signs in addresses at %(domains)s only, and it sent %(email)s. Nobody has been signed "
                "in.", label=label, domains=", ".join(provider.domains), email=error.detail)
        case Failure.INACTIVE:
            return 403, _("This account is deactivated"), _(
                "The account your %(label)s account signs in to has been deactivated. Contact the operator of "
                "this site.", label=label)
        case _:   # Failure.EXPIRED
            return 400, _("This sign-in has expired"), _(
                "Too much time has passed since you signed in with %(label)s, or this page was opened in another "
                "browser. Nobody has been signed in. Start again.", label=label)


def _failure(provider: Provider, error: SignInFailed):
    db.session.rollback()
    status, title, message = _failure_text(provider, error)
    return render_template("sso/failure.html", provider=provider, title=title, message=message,
                           retry_url=url_for("sso.start", provider=provider.name),
                           password_allowed=not requirements.is_required(provider)), status


def _signed_in(user, provider: Provider, message: str):
    target = _next()
    sign_in(user)            # a new server-side session, as a password sign-in makes
    db.session.commit()
    flash(message, "success")
    return redirect(target)


@limiter.limit("600 per hour")   # a whole office may share one address
def start(provider: str):
    provider = _provider(provider)
    if current_user.is_authenticated:
        return redirect(_home())
    try:
        # The callback address comes from BASE_URL, never from the request's host.
        response = oidc.authorization_redirect(provider, current_site().links.url("sso.callback",
                                                                                  provider=provider.name))
    except SignInFailed as e:
        return _failure(provider, e)
    target = request.args.get("next")
    session[NEXT] = target if is_safe_next(target) else None
    session.pop(PENDING, None)
    return response


@limiter.limit("600 per hour")   # a whole office may share one address
def callback(provider: str):
    provider = _provider(provider)
    if current_user.is_authenticated:
        return redirect(_home())
    now = utcnow()
    try:
        claims = oidc.verified_claims(provider)
        found = service.linked_account(provider, claims["sub"])
        if found is not None:
            link, user = found
            if not user.active:
                raise SignInFailed(Failure.INACTIVE)
            service.record_use(link, user, claims, now)
            return _signed_in(user, provider, _("Signed in as %(name)s.", name=user.name))
        identity = service.identity_from_claims(provider, claims)
    except SignInFailed as e:
        return _failure(provider, e)
    session[PENDING] = {**identity.as_dict(), "at": now.timestamp()}
    if accounts.get_user_by_email(identity.email) is not None:
        return redirect(url_for("sso.link_account", provider=provider.name))
    return redirect(url_for("sso.create_account", provider=provider.name))


def _pending(provider: Provider) -> service.Identity | None:
    data = session.get(PENDING)
    if not isinstance(data, dict) or data.get("provider") != provider.name:
        return None
    at = data.get("at")
    if not isinstance(at, (int, float)) or not 0 <= utcnow().timestamp() - at <= PENDING_SECONDS:
        return None
    return service.Identity.from_dict(data)


def create_account(provider: str):
    """A first sign-in: the claims received and the privacy notice, then (POST) the new account."""
    provider = _provider(provider)
    if current_user.is_authenticated:
        return redirect(_home())
    identity = _pending(provider)
    if identity is None:
        return _failure(provider, SignInFailed(Failure.EXPIRED))
    if accounts.get_user_by_email(identity.email) is not None:
        return redirect(url_for("sso.link_account", provider=provider.name))
    form = ActionForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            user = service.create_account(provider, identity, now)
        except accounts.AddressTaken:
            db.session.rollback()   # registered a moment ago by another request: prove it is yours
            return redirect(url_for("sso.link_account", provider=provider.name))
        except SignInFailed as e:
            return _failure(provider, e)
        # What other features give a new account (the edition open for registration), as registering does.
        run_steps(current_app, user, now)
        return _signed_in(user, provider, _("Welcome, %(name)s. Your account is ready.", name=user.name))
    return render_form("sso/create_account.html", form, provider=provider, identity=identity)


def _link_page(form: LinkForm, provider: Provider, identity: service.Identity):
    return render_form("sso/link_account.html", form, provider=provider, identity=identity,
                       reset_allowed=not requirements.is_required(provider))


def link_account(provider: str):
    """An account with the provider's address exists: its owner signs in with its password once to link it."""
    provider = _provider(provider)
    if current_user.is_authenticated:
        return redirect(_home())
    identity = _pending(provider)
    if identity is None:
        return _failure(provider, SignInFailed(Failure.EXPIRED))
    form = LinkForm()
    if form.validate_on_submit():
        throttle = SignInThrottle(shared_counters())
        attempt, refusal = throttle.begin(identity.email, client_address())
        if refusal is not None:
            form.form_errors.append(refusal.message)
            return _link_page(form, provider, identity)
        user = accounts.authenticate(identity.email, form.password.data)
        if user is not None:
            try:
                service.link(user, identity, utcnow())
            except SignInFailed as e:
                return _failure(provider, e)
            response = _signed_in(user, provider, _("Your %(label)s account now signs you in to this account.",
                                                    label=provider.label))
            throttle.succeeded(attempt)
            return response
        throttle.failed(attempt)
        form.password.errors = [_("That is not the password of this account.")]
    return _link_page(form, provider, identity)
