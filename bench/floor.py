"""The framework floor: a bare Flask app that answers every GET with one precomputed page.

`bench/run.py` serves it under the same gunicorn settings as the course app, with the bytes of the
course's unit page (BENCH_FLOOR_PAGE names the file), so the difference between the two is what
the course app itself costs: sessions, the database, templates.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

PAGE = Path(os.environ["BENCH_FLOOR_PAGE"]).read_bytes() if os.environ.get("BENCH_FLOOR_PAGE") else b"x" * 20_000

app = Flask(__name__)


@app.get("/")
def page() -> Response:
    return Response(PAGE, mimetype="text/html")
