"""Browser fixtures: the app served on a real port, Debian's Chromium driven by Playwright, axe-core.

`make test` installs Chromium (Debian package) and axe-core (npm, pinned in package-lock.json)
when they are missing. Without them these tests are skipped with the reason.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a closed network: no background requests to Google's services.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make test installs it)")
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test runs npm ci in tests/browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@contextlib.contextmanager
def serving(app, port: int = 0):
    """Serve `app` on 127.0.0.1:`port` (0: a free port) in a thread; yields the server (its `app` and
    `server_port`), stopped afterwards."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def live_server(make_app):
    """Serve a fresh app on a free local port; yields the server."""
    with serving(make_app(SERVER_NAME=None)) as server:
        yield server


@pytest.fixture
def base_url(live_server) -> str:
    return f"http://127.0.0.1:{live_server.server_port}"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    """Run axe-core with the WCAG 2.0/2.1/2.2 A and AA rules; return the violations."""
    # Evaluated through the DevTools protocol, which our CSP (no inline script) does not block.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — " +
                     "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
                     for v in violations)


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
