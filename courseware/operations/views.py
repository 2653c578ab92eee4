"""/metrics (SPEC section 8.5): Prometheus text format, for this machine or the bearer of METRICS_TOKEN."""
from __future__ import annotations

from flask import Response, abort

from ..extensions import limiter
from . import metrics as metrics_module


@limiter.exempt
def metrics():
    # Anyone else gets the same 404 as for a page that does not exist: nothing says it is here.
    if not metrics_module.may_read():
        abort(404)
    body, content_type = metrics_module.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
