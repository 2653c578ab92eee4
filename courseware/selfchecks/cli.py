"""`flask --app app self-checks analysis`: the item analysis of /tutor/self-checks/ on the command line."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup


@click.group("self-checks", cls=AppGroup)
def self_checks_cli() -> None:
    """Self-checks: what learners' answers say about the questions."""


@self_checks_cli.command("analysis")
@click.option("--csv", "as_csv", is_flag=True, help="Write the CSV of /tutor/export/self-checks.csv instead.")
def analysis(as_csv: bool) -> None:
    """Item analysis of every question: a summary per module, then the flagged questions (or the CSV)."""
    from ..core.spreadsheet import csv_text
    from ..courses.content import get_course
    from . import stats

    result = stats.item_analysis(get_course())
    if as_csv:
        sys.stdout.write(csv_text(stats.csv_rows(result)))
        return
    for module, items in result.by_module():
        answered = [i for i in items if i.learners]
        facility = [i.facility for i in answered]
        discrimination = [i.discrimination for i in answered if i.discrimination is not None]
        click.echo(f"{module.slug}: {len(items)} questions, {len(answered)} answered; "
                   f"learners per question {min((i.learners for i in answered), default=0)} to "
                   f"{max((i.learners for i in answered), default=0)}; "
                   f"mean facility {sum(facility) / len(facility) if facility else 0:.2f}; "
                   f"mean discrimination {sum(discrimination) / len(discrimination) if discrimination else 0:.2f}; "
                   f"flagged {sum(i.is_flagged for i in items)}")
    click.echo(f"Flagged: {len(result.flagged)} of {len(result.items)} questions "
               f"({result.count(stats.FLAG_EASY)} too easy, {result.count(stats.FLAG_HARD)} too hard, "
               f"{result.count(stats.FLAG_NEGATIVE)} with negative discrimination)")
    for item in result.flagged:
        click.echo(f"  {item.module.slug}/{item.unit.slug} q{item.number} {item.question.id}: facility "
                   f"{item.facility:.2f}, discrimination "
                   f"{'-' if item.discrimination is None else f'{item.discrimination:.2f}'}: {', '.join(item.flags)}")


def init_app(app: Flask) -> None:
    app.cli.add_command(self_checks_cli)
