"""`flask --app app backup create --output FILE`, `backup verify FILE`, `backup restore FILE`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..core.time import utcnow
from .archive import BackupError


def init_app(app: Flask) -> None:
    app.cli.add_command(backup)


@click.group(cls=AppGroup)
def backup() -> None:
    """Back up the site into one archive, check an archive, restore one into an empty site."""


@backup.command("create")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The archive to write (must not exist). It holds the keys: keep it encrypted at rest.")
def backup_create(output: Path) -> None:
    """Write a consistent backup of the running site: database, attachments, secret key and signing key."""
    from .backup import create_backup

    try:
        created = create_backup(current_app._get_current_object(), output, utcnow())
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    m = created.manifest
    click.echo(f"Backup written to {created.path} ({created.size:,} bytes, readable by its owner only): "
               f"{m.database} database at schema {m.schema_revision}, {len(m.attachments)} attachment(s).")
    if m.missing_attachments:
        click.echo(f"Warning: {len(m.missing_attachments)} attachment(s) named by the database were already "
                   "missing from the uploads folder and are not in the archive.", err=True)
    click.echo(f"SHA-256 of the archive: {created.sha256}")


@backup.command("verify")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup_verify(archive: Path) -> None:
    """Check an archive without restoring it: every member against the manifest, and the database copy."""
    from .backup import verify_backup

    try:
        manifest, notes = verify_backup(archive)
    except BackupError as e:
        raise click.ClickException(f"{archive} is not a usable backup: {e}") from None
    click.echo(f"ok: {archive} is complete and unaltered: made {manifest.created_at}, {manifest.database} database "
               f"at schema {manifest.schema_revision}, {len(manifest.attachments)} attachment(s), "
               f"{len(manifest.members) + 1} members checked.")
    for note in notes:
        click.echo(f"Note: {note}")


@backup.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup_restore(archive: Path) -> None:
    """Restore an archive into an empty database and an empty instance folder, then migrate the database."""
    from .restore import restore_backup

    try:
        restored = restore_backup(current_app._get_current_object(), archive)
    except BackupError as e:
        raise click.ClickException(f"Nothing was restored: {e}") from None
    m = restored.manifest
    click.echo(f"Restored {archive}: {m.database} database (made {m.created_at} at schema {m.schema_revision}, "
               f"now migrated to {restored.head}), {restored.attachments} attachment(s), the secret key and "
               "the signing key.")
    if restored.secret_key_differs:
        click.echo("Warning: SECRET_KEY is set in the environment to another value than the backup's. Set it to the "
                   "value restored into the instance folder's secret_key file (or unset it), or sessions and the "
                   "links in mails already sent will not work.", err=True)
