"""Command-line tools: `flask --app app <command>`. They call the same service functions as the views."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .accounts import service as accounts
from .accounts.models import Role
from .core.errors import DomainError
from .extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(content)
    app.cli.add_command(mail)
    app.cli.add_command(assignments_cli)
    app.cli.add_command(demo_data)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(sessions_cli)


@click.command("create-user")
@click.option("--email", required=True, help="Email address; also the sign-in name.")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value, show_default=True)
@click.option("--organisation", default="", help="Organisation (optional).")
@click.option("--password", help="Password; asked for (hidden) when not given.")
@with_appcontext
def create_user(email: str, name: str, role: str, organisation: str, password: str | None) -> None:
    """Create an account, for example the first tutor or admin."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email=email, name=name, password=password, organisation=organisation,
                                    role=Role(role), email_confirmed=True)
    except DomainError as e:
        db.session.rollback()
        raise click.ClickException(e.message) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.group(cls=AppGroup)
def content() -> None:
    """Course content tools."""


@content.command("check")
@click.option("--path", type=click.Path(file_okay=False, path_type=Path), help="Content folder (default: the app's).")
def content_check(path: Path | None) -> None:
    """Validate every module; exit non-zero with file:line messages on any problem."""
    from .courses.content import ContentError, load_course
    from .courses.translations import translation_report

    root = path or Path(current_app.config["CONTENT_DIR"])
    try:
        course = load_course(root)
    except ContentError as e:
        for problem in e.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(e.problems)} problem(s) in {root}", err=True)
        sys.exit(1)
    units = sum(len(m.units) for m in course.modules)
    words = sum(u.words for u in course.units)
    questions = sum(len(u.questions) for u in course.units)
    click.echo(f"ok: {len(course.modules)} modules, {units} units, {words} words, "
               f"{len(course.glossary)} glossary terms, {questions} self-check questions")
    for line in translation_report(course):     # missing translations: information, never a failure
        click.echo(f"info: {line}")
    for notice in course.notices:       # worth a look, never a failure
        click.echo(f"notice: {notice}")


def _loaded_course(path: Path | None):
    """The course under `path` (default: the app's content folder), or exit with its problems."""
    from .courses.content import ContentError, load_course

    root = path or Path(current_app.config["CONTENT_DIR"])
    try:
        return root, load_course(root)
    except ContentError as e:
        for problem in e.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException("the course content has problems; fix them first (flask content check)") from None


@content.command("export-gift")
@click.option("--module", "module_slug", help="Only this module (its slug, e.g. foundations).")
@click.option("--path", type=click.Path(file_okay=False, path_type=Path), help="Content folder (default: the app's).")
def content_export_gift(module_slug: str | None, path: Path | None) -> None:
    """Write the self-check questions as GIFT (Moodle's question format) to standard output."""
    from .courses.gift import export_gift

    _, course = _loaded_course(path)
    if module_slug is not None and course.module(module_slug) is None:
        raise click.ClickException(f"no module {module_slug!r}; the modules are: "
                                   f"{', '.join(m.slug for m in course.modules)}")
    click.echo(export_gift(course, module_slug), nl=False)


@content.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--module", "module_slug", required=True, help="The module's slug, e.g. foundations.")
@click.option("--unit", "unit_slug", required=True, help="The unit's slug, e.g. what-is-smart-charging.")
@click.option("--path", type=click.Path(file_okay=False, path_type=Path), help="Content folder (default: the app's).")
def content_import_gift(file: Path, module_slug: str, unit_slug: str, path: Path | None) -> None:
    """Add the questions of a GIFT file to a unit's self-check; refuse (writing nothing) what cannot be shown."""
    from .courses.content import load_course
    from .courses.gift import GiftError, import_gift

    root, course = _loaded_course(path)
    try:
        result = import_gift(root, course, module_slug, unit_slug, file, str(file), load=load_course)
    except GiftError as e:
        for problem in e.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(f"nothing was imported from {file}") from None
    rel = result.path.relative_to(root).as_posix()
    click.echo(f"Added {len(result.questions)} question(s) to {rel}.")
    guessed = [i.question.id for i in result.questions if not i.objective_given]
    if guessed:
        click.echo(f"These have objective 1 because the GIFT file did not say (a '// objective: N' line above the "
                   f"question); check them: {', '.join(guessed)}")

@click.group(cls=AppGroup)
def mail() -> None:
    """The mail outbox."""


@mail.command("send")
@click.option("--digests/--no-digests", default=True, show_default=True,
              help="Also gather held notifications into daily digests (at most one per person and day).")
def mail_send(digests: bool) -> None:
    """Deliver queued mail, retrying failures; run it from cron every few minutes.

    Exits with status 1 when the mail server could not be reached (the mail waits for the next run)."""
    from .core.outbox import build_digests, deliver_outbox
    from .core.site import current_site
    from .core.time import utcnow

    built = build_digests(utcnow()) if digests else 0
    counts = deliver_outbox(current_site(), utcnow())  # after building: today's digests are due
    click.echo(f"digests built: {built}; sent: {counts['sent']}; will retry: {counts['retried']}; "
               f"failed for good: {counts['failed']}")
    if counts["unreachable"]:
        click.echo("The mail server could not be reached; the remaining mail waits for the next run.", err=True)
        sys.exit(1)


@click.group("assignments", cls=AppGroup)
def assignments_cli() -> None:
    """Assignments and grading."""


@assignments_cli.command("remind")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Remind about work waiting longer than this (default: ASSIGNMENT_REMINDER_DAYS, 5).")
def assignments_remind(days: int | None) -> None:
    """Queue reminders to tutors about submissions waiting too long; each submission is reminded about once."""
    from .assignments.notifications import days_text, send_reminders
    from .core.site import current_site
    from .core.time import utcnow
    from .courses.content import get_course

    site = current_site()
    count = send_reminders(site, get_course(), utcnow(), days=days)
    db.session.commit()
    days = site.setting("ASSIGNMENT_REMINDER_DAYS") if days is None else days
    click.echo(f"reminded about {count} submission(s) waiting over {days_text(days)}")


@click.command("demo-data")
@click.option("--learners", type=click.IntRange(min=1, max=1_000_000), default=1000, show_default=True,
              help="How many demo learners to create.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same population.")
@click.option("--force", is_flag=True, help="Add demo data even though the database holds real accounts.")
@with_appcontext
def demo_data(learners: int, seed: int, force: bool) -> None:
    """Create a synthetic course population: learners, progress, posts, submissions, certificates.

    Demo accounts have addresses @demo.invalid and the password "demo-password".
    """
    import time

    from . import demo
    from .core.site import current_site
    from .courses.content import get_course

    started = time.monotonic()
    state: dict = {}

    def on_plan(plan) -> None:
        state["bar"] = click.progressbar(length=demo.planned_rows(plan), label="planning", show_eta=False,
                                         item_show_func=lambda _: state.get("label", ""))
        state["bar"].__enter__()

    def progress(label: str, rows: int) -> None:
        state["label"] = label
        state["bar"].update(rows)

    try:
        summary = demo.generate(current_site(), get_course(), learners, seed, force=force, progress=progress,
                                on_plan=on_plan)
    except demo.RealUsersPresent as e:
        raise click.ClickException(str(e)) from None
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)
    click.echo(f"Created {summary.learners} learners in {summary.organisations} organisations, {summary.tutors} tutors "
               f"and 1 admin; {summary.completions} unit completions, {summary.threads} threads and "
               f"{summary.posts} posts, {summary.submissions} submissions with {summary.grades} grades, "
               f"{summary.certificates} certificates (issued through the certificates service); "
               f"{summary.self_check_attempts} self-check attempts with {summary.self_check_answers} answers; "
               f"{summary.editions} editions with {summary.announcements} announcements and {summary.sessions} "
               f"live sessions, in {time.monotonic() - started:.0f} s.")
    click.echo(f'Every demo account (@{demo.DEMO_DOMAIN}) signs in with the password "{demo.DEMO_PASSWORD}".')


@click.group("certificates", cls=AppGroup)
def certificates_cli() -> None:
    """Certificates: issue, revoke and correct from the command line (the same rules as the site)."""


def _account(email: str, what: str):
    from .accounts.service import get_user_by_email

    user = get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email} ({what}).")
    return user


def _certificate(code: str):
    from .certificates.service import certificate_by_code

    certificate = certificate_by_code(code)
    if certificate is None:
        raise click.ClickException(f"No certificate has the code {code}.")
    return certificate


@certificates_cli.command("issue")
@click.option("--email", required=True, help="The learner's email address.")
def certificates_issue(email: str) -> None:
    """Issue the learner's certificate, if every requirement is met (as claiming it on the site would)."""
    from .certificates.service import NotEarned, claim_certificate
    from .core.site import current_site
    from .core.time import utcnow
    from .courses.content import get_course
    from .editions.service import terms_of

    user = _account(email, "the learner")
    now = utcnow()
    terms = terms_of(user.id, now)
    try:
        certificate, newly = claim_certificate(current_site(), get_course(), user, now, deadline=terms.deadline,
                                               edition=terms.edition)
    except NotEarned as e:
        missing = "; ".join(f"{r.module.title}: {r.label.lower()} ({r.progress})" for r in e.eligibility.missing)
        raise click.ClickException(f"Not earned yet. Missing: {missing}") from None
    except DomainError as e:
        raise click.ClickException(e.message) from None
    db.session.commit()
    click.echo(f"{'Issued' if newly else 'Already issued'}: {certificate.display_code}")


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Shown on the public verification page.")
@click.option("--admin", "admin_email", required=True, help="The email address of the admin who decides.")
def certificates_revoke(code: str, reason: str, admin_email: str) -> None:
    """Revoke a certificate (every version of it)."""
    from .certificates.service import revoke_certificate
    from .core.time import utcnow

    admin = _account(admin_email, "the admin")
    if not admin.is_admin:
        raise click.ClickException(f"{admin_email} is not an admin.")
    try:
        revoke_certificate(_certificate(code), reason=reason, admin=admin, now=utcnow())
    except DomainError as e:
        raise click.ClickException(e.message) from None
    db.session.commit()
    click.echo(f"Revoked: {code}")


@certificates_cli.command("reissue")
@click.argument("code")
@click.option("--name", required=True, help="The name as it should be printed.")
@click.option("--organisation", default=None, help="The organisation as it should be printed (default: unchanged).")
@click.option("--note", default="", help="Why the certificate is corrected (kept in the register).")
@click.option("--admin", "admin_email", required=True, help="The email address of the admin who decides.")
def certificates_reissue(code: str, name: str, organisation: str | None, note: str, admin_email: str) -> None:
    """Correct the printed name or organisation: a new version with a new code, linked to the old one."""
    from .certificates.service import reissue_certificate
    from .core.site import current_site

    admin = _account(admin_email, "the admin")
    if not admin.is_admin:
        raise click.ClickException(f"{admin_email} is not an admin.")
    certificate = _certificate(code)
    try:
        new = reissue_certificate(current_site(), certificate, learner_name=name,
                                  organisation=certificate.organisation if organisation is None else organisation,
                                  admin=admin, note=note)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    db.session.commit()
    click.echo(f"Reissued as {new.display_code} (replaces {certificate.display_code})")


@click.group("sessions", cls=AppGroup)
def sessions_cli() -> None:
    """Live sessions."""


@sessions_cli.command("remind")
@click.option("--hours", type=click.IntRange(min=1, max=24 * 14), default=None,
              help="Remind about sessions starting within this many hours (default: SESSION_REMINDER_HOURS, 24).")
def sessions_remind(hours: int | None) -> None:
    """Queue the reminder mail for live sessions starting soon: once per person and session.
    Run it from cron, for example every hour; `flask mail send` delivers the mail."""
    from .core.site import current_site
    from .core.time import utcnow
    from .editions.live_sessions import send_reminders

    site = current_site()
    count = send_reminders(site, utcnow(), hours=hours)
    db.session.commit()
    hours = site.setting("SESSION_REMINDER_HOURS") if hours is None else hours
    click.echo(f"queued {count} reminder(s) for live sessions starting within {hours} hours")
