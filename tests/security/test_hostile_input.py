"""Hostile values in every form field and URL parameter: never a 500, never reflected unescaped,
never stored where they should not be.

Forms are found by crawling the pages each role can see, so a new form is covered without
editing this file.
"""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import String, Text, func, or_, select

from courseware.extensions import db
from tests.certificates.helpers import earn_everything

XSS = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>"]
PAYLOADS = [
    "A" * 30_000,                       # very long
    "nul\x00byte",                      # NUL byte
    "' OR 1=1 --", "\"; DROP TABLE \"user\"; --",
    "{{7*7}}{% raw %}${7*7}",          # template injection
    *XSS, "javascript:alert(1)",
    "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd",
    "9" * 40, "-1", "",
]
QUERY_PAYLOADS = ["nul\x00byte", XSS[0], XSS[2], "9" * 40, "-1", "../../../../etc/passwd", "' OR 1=1 --"]
RAW_INVALID_UTF8 = b"%FF%FE%C0%AF"
QUERY_PARAMS = ["page", "q", "sort", "order", "module", "status", "organisation", "next", "quote", "attachments",
                "week", "role"]
SKIP_ACTIONS = ("/logout", "/account/delete", "/account/sign-out-everywhere", "/account/sessions/")


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: set[str] = set()
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.add(a["href"].split("#")[0])
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "files": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", "text")
            if kind == "file":
                self._form["files"].append(a["name"])
            elif kind in ("submit", "button"):
                pass
            else:
                self._form["fields"][a["name"]] = (kind, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def crawl(client, start: list[str], limit: int = 60) -> dict[str, str]:
    """GET pages reachable from `start` (same site, no downloads), one page per endpoint: path -> HTML."""
    seen: dict[str, str] = {}
    endpoints: set[str] = set()
    adapter = client.application.url_map.bind("localhost")
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.endswith((".csv", ".pdf", "/download", "/credential", "attachment")) \
                or "export" in path or "/course-assets/" in path or "/static/" in path:
            continue
        try:
            endpoint = adapter.match(urlsplit(path).path)[0]
        except Exception:  # a 404 or redirect: still worth one visit
            endpoint = path
        if endpoint in endpoints and path not in start:
            continue
        endpoints.add(endpoint)
        response = client.get(path)
        assert response.status_code != 500, path
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        seen[path] = html
        queue.extend(sorted(parse(html).links - set(seen)))
    return seen


def assert_safe(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    body = response.get_data(as_text=True)
    for payload in XSS:
        assert payload not in body, f"{where}: {payload!r} reflected unescaped"


def assert_no_nul_stored(app) -> None:
    """No text column holds a NUL byte. (PostgreSQL refuses NUL in text outright; SQLite would keep it.)"""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        for table in db.metadata.sorted_tables:
            text_columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if not text_columns:
                continue
            # instr() with char(0): LIKE cannot see a NUL byte in SQLite.
            hit = db.session.execute(select(table).where(
                or_(*[func.instr(c, func.char(0)) > 0 for c in text_columns])).limit(1)).first()
            assert hit is None, f"NUL byte stored in {table.name}"


def hostile_round(app, client, pages: dict[str, str]) -> int:
    sent = 0
    forms = {}
    for path, html in pages.items():
        for form in parse(html).forms:
            action = form["action"] or path
            if urlsplit(action).path.startswith(SKIP_ACTIONS):
                continue
            forms.setdefault(action, form)
    for action, form in forms.items():
        for payload in PAYLOADS:
            data = {}
            for name, (kind, value) in form["fields"].items():
                data[name] = value if kind == "hidden" and name == "csrf_token" else payload
            for name in form["files"]:
                data[name] = (__import__("io").BytesIO(payload.encode("utf-8", "surrogatepass")), payload[:200] or "x")
            assert_safe(client.post(action, data=data, content_type="multipart/form-data"), f"POST {action}")
            sent += 1
        raw = b"&".join(n.encode() + b"=" + RAW_INVALID_UTF8 for n in form["fields"]) or b"x=" + RAW_INVALID_UTF8
        assert_safe(client.post(action, data=raw, content_type="application/x-www-form-urlencoded"),
                    f"POST {action} (invalid UTF-8)")
        sent += 1
    for path in sorted({urlsplit(p).path for p in pages}):
        for payload in QUERY_PAYLOADS:
            for param in QUERY_PARAMS:
                assert_safe(client.get(path, query_string={param: payload}), f"GET {path}?{param}")
                sent += 1
    return sent


def hostile_paths(client) -> None:
    for template in ["/modules/{}/", "/modules/basics/{}/", "/modules/{}/forum/", "/modules/basics/forum/{}/",
                     "/modules/basics/assignment/{}", "/verify/{}", "/tutor/submissions/{}/", "/tutor/learners/{}/",
                     "/reset-password/{}", "/forum/unsubscribe/{}", "/course-assets/{}", "/admin/certificates/{}/",
                     "/sessions/{}.ics", "/sessions/{}/edit", "/sessions/{}/attendance", "/calendar/{}.ics",
                     "/admin/editions/{}/", "/admin/learners/{}/edition", "/tutor/?edition={}",
                     "/tutor/learners/?edition={}", "/tutor/overview/?edition={}", "/modules/basics/forum/?edition={}",
                     "/tutor/export/progress.csv?edition={}"]:
        for payload in ["9" * 40, "-1", "..%2f..%2fetc%2fpasswd", "%00", "<script>alert('x')</script>",
                        "' OR 1=1 --", "{{7*7}}"]:
            assert_safe(client.get(template.format(payload)), f"GET {template.format(payload)}")


@pytest.fixture
def populated(app, learner, tutor, signed_in):
    """A learner who has done everything, so every page has content and forms."""
    client = signed_in(learner)
    earn_everything(app, client, learner, signed_in(tutor))
    assert client.post("/certificate/").status_code == 302
    return app


# Thousands of requests per role (every form × every payload, every page × every parameter): slow.
@pytest.mark.slow
def test_hostile_values_as_anonymous(app):
    client = app.test_client()
    pages = crawl(client, ["/", "/register", "/login", "/reset-password"])
    assert "/register" in pages and "/login" in pages
    assert hostile_round(app, client, pages) > 100
    hostile_paths(client)
    assert_no_nul_stored(app)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["learner", "tutor", "admin"])
def test_hostile_values_when_signed_in(populated, request, role, signed_in):
    app = populated
    client = signed_in(request.getfixturevalue(role))
    start = ["/", "/modules/basics/forum/", "/account/", "/announcements/", "/sessions/"]
    start += {"learner": ["/modules/basics/assignment/", "/certificate/"],
              "tutor": ["/tutor/", "/tutor/learners/"],
              "admin": ["/tutor/", "/admin/", "/admin/editions/"]}[role]
    pages = crawl(client, start)
    assert hostile_round(app, client, pages) > 100
    hostile_paths(client)
    assert_no_nul_stored(app)
    # Nothing hostile was reflected on the pages that show stored text either.
    for path in ["/modules/basics/forum/", "/", "/account/"]:
        assert_safe(client.get(path), f"GET {path} afterwards")
