"""`flask --app app privacy retention [--dry-run]` (SPEC section 8.5); run it daily from cron."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup


def init_app(app: Flask) -> None:
    app.cli.add_command(privacy)


@click.group(cls=AppGroup)
def privacy() -> None:
    """Personal data: the retention policy."""


@privacy.command("retention")
@click.option("--dry-run", is_flag=True, help="Only list what is due; change nothing and send no mail.")
def retention(dry_run: bool) -> None:
    """Warn inactive accounts, erase those warned in vain, remove old attachments and mail records."""
    from ..core.personal_data import registered
    from ..core.site import current_site
    from ..core.time import utcnow
    from ..courses.content import get_course
    from . import retention as policy

    site, now = current_site(), utcnow()
    rules = policy.Policy.of(site)
    click.echo("Retention: accounts unused for "
               f"{policy.describe_days(rules.inactive_account_days)} (warned {rules.warning_days} days before), "
               f"attachments {policy.describe_days(rules.attachment_days)} after the grade, finished mail records "
               f"{policy.describe_days(rules.mail_days)}.")
    if dry_run:
        todo = policy.plan(site, now)
        click.echo("Dry run: nothing is changed and no mail is sent.")
        for due in todo.warn:
            click.echo(f"would warn account {due.user_id} ({due.email}), unused since {due.last_active:%Y-%m-%d}; "
                       f"erasure after {due.erase_after:%Y-%m-%d}")
        for due in todo.erase:
            click.echo(f"would erase account {due.user_id} ({due.email}), unused since {due.last_active:%Y-%m-%d}, "
                       f"warned; erasure was due after {due.erase_after:%Y-%m-%d}")
        for due in todo.attachments:
            click.echo(f"would remove the attachment of submission {due.submission_id}, graded {due.graded_at:%Y-%m-%d}")
        if todo.mail:
            click.echo(f"would delete {todo.mail} finished mail record(s)")
        for due in todo.admins_inactive:
            click.echo(f"admin account {due.user_id} ({due.email}) unused since {due.last_active:%Y-%m-%d}: "
                       "not erased automatically; demote it to let the policy apply, or delete it")
        click.echo(f"Would warn {len(todo.warn)}, erase {len(todo.erase)} account(s), remove "
                   f"{len(todo.attachments)} attachment(s), delete {todo.mail} mail record(s).")
        return
    done = policy.run(site, registered(current_app), get_course().title, now)
    for note in done.skipped:
        click.echo(f"skipped: {note}")
    click.echo(f"Warned {done.warned}, erased {done.erased} account(s), removed {done.attachments} attachment(s), "
               f"deleted {done.mail} mail record(s).")
