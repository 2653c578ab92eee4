"""/admin/retention/: what the retention policy will do next, and what it did (admins only)."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template

from ..core.auth import admin_required
from ..core.site import current_site
from ..core.time import utcnow
from . import retention as policy

SHOWN = 50
LOOK_AHEAD_DAYS = 30


@admin_required
def retention_report():
    site, now = current_site(), utcnow()
    return render_template("privacy/retention.html", rules=policy.Policy.of(site), describe=policy.describe_days,
                           due=policy.plan(site, now, limit=SHOWN),
                           soon=policy.plan(site, now + timedelta(days=LOOK_AHEAD_DAYS), limit=SHOWN),
                           look_ahead=LOOK_AHEAD_DAYS, shown=SHOWN, records=policy.recent_records(SHOWN))
