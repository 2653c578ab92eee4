"""Screenshots of the learner's and the tutor's journeys at 1280 and 390 px, for the README's accessibility
section. Run from the repository root:

    .venv/bin/python docs/screenshots/take_screenshots.py

It builds a throwaway SQLite database with the demo population (`flask demo-data`, 41 learners, seed 1),
serves the app on a free local port and drives Debian's Chromium through Playwright (CHROMIUM overrides the
browser's path). Each picture is what is in view on arrival (the first screen), not the whole page.
"""
from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(folder: Path, base_url: str):
    """The app on a fresh database with the demo population; the people and pages to show."""
    from sqlalchemy import select

    from courseware import create_app
    from courseware.accounts.models import User
    from courseware.assignments.models import Submission, SubmissionStatus
    from courseware.assignments.versions import is_newest
    from courseware.core.site import current_site
    from courseware.core.vocabulary import Role
    from courseware.courses.content import get_course
    from courseware.demo import DEMO_PASSWORD, generate
    from courseware.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite3'}",
                      "INSTANCE_PATH": str(folder / "instance"), "SESSION_COOKIE_SECURE": False,
                      "BASE_URL": base_url, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        db.create_all()
        generate(current_site(), get_course(), 41, seed=1)
        # A learner whose newest version came back "needs revision": the learner's journey.
        learner_id, module = db.session.execute(
            select(Submission.user_id, Submission.module_slug)
            .where(is_newest(), Submission.status == SubmissionStatus.NEEDS_REVISION)
            .order_by(Submission.id).limit(1)).one()
        learner = db.session.get(User, learner_id).email
        tutor = db.session.scalar(select(User.email).where(User.role == Role.TUTOR).order_by(User.id).limit(1))
        waiting = db.session.scalar(select(Submission.id).where(is_newest(sent_only=True),
                                                                Submission.status == SubmissionStatus.SUBMITTED)
                                    .order_by(Submission.submitted_at, Submission.id).limit(1))
    learner_pages = [("home", "/"), ("module", f"/modules/{module}/"),
                     ("assignment-feedback-first", f"/modules/{module}/assignment/"), ("certificate", "/certificate/")]
    tutor_pages = [("queue", "/tutor/"), ("grading", f"/tutor/submissions/{waiting}/"),
                   ("grading-error-summary", f"/tutor/submissions/{waiting}/#refuse"),
                   ("learners-inactive-14-days", "/tutor/learners/?inactive=14")]
    return app, (learner, DEMO_PASSWORD, learner_pages), (tutor, DEMO_PASSWORD, tutor_pages)


def shoot(browser, base_url: str, who: str, account, out: Path) -> list[Path]:
    email, password, pages = account
    taken = []
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(base_url + "/login")
        page.fill("#email", email)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        for number, (name, path) in enumerate(pages, start=1):
            refuse = path.endswith("#refuse")
            page.goto(base_url + path.removesuffix("#refuse"))
            if refuse:   # save without a decision: the error summary comes first and has the focus
                page.fill("#feedback", "Clear, with one example from your own city.")
                with page.expect_navigation():
                    page.click("[name=save]")
                page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
            target = out / f"{who}-{number}-{name}-{width}.png"
            page.screenshot(path=str(target))
            taken.append(target)
        context.close()
    return taken


def main() -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    out = HERE
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        app, learner, tutor = build(Path(tmp), base_url)
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                taken = shoot(browser, base_url, "learner", learner, out) + shoot(browser, base_url, "tutor", tutor, out)
                browser.close()
        finally:
            server.shutdown()
    for path in taken:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
