"""Helpers shared by form views."""
from __future__ import annotations

from flask import render_template
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import widgets


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
