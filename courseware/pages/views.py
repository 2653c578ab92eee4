"""Course-wide public pages that are not course content: the privacy notice and the accessibility statement."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..accounts.models import PRIVACY_NOTICE_VERSION

bp = Blueprint("pages", __name__)


@bp.get("/privacy/")
def privacy():
    return render_template("pages/privacy.html", version=PRIVACY_NOTICE_VERSION)


@bp.get("/accessibility/")
def accessibility():
    return render_template("pages/accessibility.html")
