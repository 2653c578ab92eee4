"""Helpers shared by form views."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import widgets


# The hint under every box where people write (forum posts, assignments, feedback), in plain words.
FORMATTING_HELP = _l("Formatting help: leave an empty line between paragraphs. Start a line with “- ” to make a "
                     "list. Put two stars around words to make them bold, **like this**.")


def form_status(form, default: int = 200) -> int:
    """422 when the submitted input was refused, else `default`."""
    # WTForms puts form-wide errors (form.form_errors) in form.errors under the key None.
    return 422 if form.errors else default


def render_form(template: str, form, **context):
    """Render a form page: 200 when fresh, 422 when the submitted input was refused."""
    return render_template(template, form=form, **context), form_status(form)


def add_error(form, field: str | None, message: str) -> None:
    """Attach a service error to its field, or to the form as a whole."""
    if field and field in form:
        form[field].errors = list(form[field].errors) + [message]
    else:
        form.form_errors.append(message)


class ActionForm(FlaskForm):
    """A button with nothing to fill in (delete, restore, pin, take for grading): only the CSRF token."""


def refused_forms(context) -> list[FlaskForm]:
    """The forms of a page whose submitted input was refused, whatever their variable names.

    The base layout reads this to put one error summary first in <main> and "Error:" before the page
    title, so every form of the site gets the same pattern without each template repeating it."""
    seen: list[FlaskForm] = []
    for value in context.values():
        if isinstance(value, FlaskForm) and value.errors and all(value is not f for f in seen):
            seen.append(value)
    return seen


def summary_items(form: FlaskForm) -> list[tuple[str | None, str]]:
    """(field id or None, message) for the error summary: form-wide messages first, then each field's."""
    items: list[tuple[str | None, str]] = [(None, str(m)) for m in form.form_errors]
    for f in form:
        if not f.errors:
            continue
        if f.type == "CSRFTokenField":
            items.append((None, _("The form had expired. Please send it again.")))
            continue
        label = f.label.text
        items.append((f.id, _("%(label)s: %(message)s", label=label, message=" ".join(map(str, f.errors)))))
    return items


class QuickSelect(widgets.Select):
    """WTForms' <select>, with its plain options written directly: the same HTML, without building and
    sorting an attribute dict per option (a 200-option list cost a third of the tutor queue's time).
    Options with extra attributes go the ordinary way."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        label = escape(choice.label or choice.value)
        value = escape(choice.value)
        if choice.selected:
            return Markup(f'<option selected value="{value}">{label}</option>')
        return Markup(f'<option value="{value}">{label}</option>')
