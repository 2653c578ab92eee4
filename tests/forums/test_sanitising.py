"""Learner Markdown is sanitised: known XSS payloads never reach the page as markup."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.forums.conftest import thread_url

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](https://evil.example/track.png)",
    "![x](x \"onerror=alert(1)\")",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<body onload=alert(1)>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
    "[ok](https://ok.example \"title\\\" onmouseover=\\\"alert(1)\")",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    "<style>body{display:none}</style>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<base href=\"https://evil.example/\">",
    "<input autofocus onfocus=alert(1)>",
    "<a href=\"https://ok.example\" target=\"_top\" rel=\"opener\">x</a>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "[x](//evil.example/\\@ok)",
]

FORBIDDEN_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "style", "meta", "base", "math",
                  "details", "body", "input", "button", "link", "div"}


class Collector(HTMLParser):
    """Every start tag and its attributes inside the posts of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1 if tag not in {"br", "hr"} else 0
            self.tags.append((tag, attrs))
        elif "post-body" in (attrs.get("class") or ""):
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def post_markup(html: str) -> list[tuple[str, dict]]:
    parser = Collector()
    parser.feed(html)
    return parser.tags


def assert_safe(html: str):
    for tag, attrs in post_markup(html):
        assert tag not in FORBIDDEN_TAGS, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name in {"href", "title", "rel", "align"}, (tag, name)
            if name == "href" and ":" in value.split("/")[0]:
                # A scheme is present: only web and mail links survive (relative links are harmless).
                assert value.split(":")[0].lower() in {"http", "https", "mailto"}, value
        if tag == "a":
            assert "nofollow" in attrs.get("rel", "") and "noopener" in attrs.get("rel", "")
            assert "target" not in attrs


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_never_reaches_the_page_as_markup(app, learner, signed_in, make_thread, payload):
    thread_id, _ = make_thread(learner, body="Opening")
    client = signed_in(learner)
    response = client.post(thread_url("basics", thread_id), data={"body": payload})
    assert response.status_code == 303
    page = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert_safe(page)
    preview = client.post(thread_url("basics", thread_id), data={"body": payload, "preview": "1"})
    assert_safe(preview.get_data(as_text=True))


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_payload_in_a_title_is_shown_as_text(app, learner, signed_in, payload):
    client = signed_in(learner)
    response = client.post("/modules/basics/forum/", data={"title": payload[:200], "body": "x"})
    if response.status_code == 303:
        for url in (response.headers["Location"], "/modules/basics/forum/"):
            page = client.get(url, follow_redirects=True).get_data(as_text=True)
            lowered = page.lower()
            assert "<script" not in lowered and "<img" not in lowered and "<svg" not in lowered
            assert "<iframe" not in lowered and "<a href=\"javascript" not in lowered


def test_links_get_nofollow_noopener_and_markdown_still_works(app, learner, signed_in, make_thread):
    thread_id, _ = make_thread(learner, body="Opening")
    client = signed_in(learner)
    body = "See [AFIR](https://eur-lex.europa.eu/) and:\n\n- *one*\n- **two**\n\n> quoted\n\n`code`"
    client.post(thread_url("basics", thread_id), data={"body": body})
    page = client.get(thread_url("basics", thread_id)).get_data(as_text=True)
    assert '<a href="https://eur-lex.europa.eu/" rel="nofollow noopener noreferrer">AFIR</a>' in page
    assert "<em>one</em>" in page and "<strong>two</strong>" in page
    assert "<blockquote>" in page and "<code>code</code>" in page
