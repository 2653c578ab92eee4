"""Course-wide public pages that are not course content: the privacy notice and the accessibility statement."""
from __future__ import annotations

from flask import render_template

from ..accounts.models import PRIVACY_NOTICE_VERSION



def privacy():
    return render_template("pages/privacy.html", version=PRIVACY_NOTICE_VERSION)


def accessibility():
    return render_template("pages/accessibility.html")
