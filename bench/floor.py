"""The framework floors: what a page costs before the course app does any work of its own.

`bench/run.py` serves each under the same gunicorn settings as the course app, with the bytes of the
course's unit page (BENCH_FLOOR_PAGE names the file), so the difference between a floor and a page is
what the course app itself costs.

- `floor:app`, the bare floor: a Flask route that answers every GET with the precomputed page.
- `floor:auth_app`, the authenticated floor: the same route behind what any signed-in page needs: the
  signed session cookie (Flask's own, the course app's SECRET_KEY), Flask-Login loading the user on
  each request (session protection "basic", as the course app), and the server-side session check (one
  plain SQL lookup of the cookie's token joined to its account, on DATABASE_URL). The benchmark sends it
  the signed-in learner's cookie from the course app. No template, no CSRF token, no ORM.
- `floor:layout_app()`, the site's own floor: the course app itself (the same configuration as `app:app`)
  with one extra page, `/_bench/layout`, for a signed-in person, that renders the base layout around an
  empty main: everything every page of the site pays before its own content (request hooks, the sign-in
  check, the header, menu and footer, the CSRF tokens of the header's forms). No page can be faster.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, Response
from flask_login import LoginManager, UserMixin, login_required

PAGE = Path(os.environ["BENCH_FLOOR_PAGE"]).read_bytes() if os.environ.get("BENCH_FLOOR_PAGE") else b"x" * 20_000

app = Flask(__name__)


@app.get("/")
def page() -> Response:
    return Response(PAGE, mimetype="text/html")


# The authenticated floor ------------------------------------------------------------------------

auth_app = Flask(__name__ + ".auth")
auth_app.secret_key = os.environ.get("SECRET_KEY", "unset")
login_manager = LoginManager(auth_app)
login_manager.session_protection = "basic"
_engine = None

LOOKUP = ('SELECT u.id, u.name, u.role FROM "user" u JOIN sign_in_session s ON s.user_id = u.id '
          "WHERE s.token_hash = :digest AND u.active")


class Viewer(UserMixin):
    def __init__(self, id_: int, name: str, role: str):
        self.id, self.name, self.role = id_, name, role


@login_manager.user_loader
def load_viewer(token: str) -> Viewer | None:
    global _engine
    from sqlalchemy import create_engine, text

    if _engine is None:
        _engine = create_engine(os.environ["DATABASE_URL"])
    with _engine.connect() as conn:
        row = conn.execute(text(LOOKUP), {"digest": hashlib.sha256(token.encode()).hexdigest()}).first()
    return Viewer(*row) if row else None


@auth_app.get("/")
@login_required
def auth_page() -> Response:
    return Response(PAGE, mimetype="text/html")


# The site's own floor ---------------------------------------------------------------------------

def layout_app() -> Flask:
    """The course app with the layout-only page (gunicorn calls it: `floor:layout_app()`)."""
    import sys

    from flask_login import login_required as signed_in

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from courseware import create_app

    site = create_app()
    layout = site.jinja_env.from_string('{% extends "base.html" %}{% block title %}Layout{% endblock %}'
                                        '{% block content %}{% endblock %}')

    @site.get("/_bench/layout")
    @signed_in
    def layout_page():
        context: dict = {}
        site.update_template_context(context)
        return layout.render(context)

    return site
