"""/account/export and /account/delete (SPEC section 4)."""
from __future__ import annotations

from flask_babel import gettext

import json

from flask import Response, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from ..accounts.signin import sign_out
from ..core.errors import DomainError
from ..core.forms import add_error, render_form
from ..core.personal_data import registered
from ..core.site import current_site
from ..core.time import utcnow
from ..extensions import db
from . import service
from ..core.sign_in_rules import knows_no_password
from .forms import DeleteAccountForm, DeletePasswordlessAccountForm


@login_required
def export_data():
    """Everything we hold about the signed-in person: JSON, or a ZIP with their attachments too."""
    parts, stamp = registered(current_app), current_user.id
    if request.args.get("attachments"):
        return Response(service.export_zip(parts, current_site(), current_user, utcnow()), mimetype="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="my-data-{stamp}.zip"',
                                 "Cache-Control": "no-store"})
    body = json.dumps(service.export_user_data(parts, current_user, utcnow()), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="my-data-{stamp}.json"',
                             "Cache-Control": "no-store"})


@login_required
def delete_account():
    user = current_user._get_current_object()
    passwordless = knows_no_password(current_app, user)
    form = DeletePasswordlessAccountForm() if passwordless else DeleteAccountForm()
    if form.validate_on_submit():
        try:
            erasure = service.erase_account(registered(current_app), current_site(), user, form.password.data,
                                            utcnow(), passwordless=passwordless)
        except DomainError as e:
            add_error(form, e.field, e.message)
        else:
            sign_out()
            db.session.commit()
            for work in erasure.after_commit:
                work()
            flash(gettext("Your account has been deleted. Your forum posts remain under the name “deleted user”."), "success")
            return redirect(url_for("courses.home"))
    return render_form("accounts/delete.html", form, passwordless=passwordless)
