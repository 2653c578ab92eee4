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
                                    role=Role(role))
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
    click.echo(f"ok: {len(course.modules)} modules, {units} units, {words} words, "
               f"{len(course.glossary)} glossary terms")


@click.group(cls=AppGroup)
def mail() -> None:
    """The mail outbox."""


@mail.command("send")
@click.option("--digests/--no-digests", default=True, show_default=True,
              help="Also gather held notifications into daily digests (at most one per person and day).")
def mail_send(digests: bool) -> None:
    """Deliver queued mail, retrying failures; run it from cron every few minutes."""
    from .core.outbox import build_digests, deliver_outbox

    built = build_digests() if digests else 0
    counts = deliver_outbox()
    click.echo(f"digests built: {built}; sent: {counts['sent']}; will retry: {counts['retried']}; "
               f"failed for good: {counts['failed']}")
