"""The one renderer for Markdown written by learners and tutors (posts, submissions, feedback).

Raw HTML in the source is shown as text, never interpreted; the rendered HTML then goes
through nh3 (the maintained Rust sanitiser `ammonia`) with a small allow-list. Links may
only be http, https or mailto and get rel="nofollow noopener noreferrer"; images are not
allowed at all, so nothing on a page is fetched from another host.
"""
from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_SOURCE_LENGTH = 100_000


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    # No raw HTML: without these, "<b>" in the source is escaped and shown as typed.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_safe(source: str) -> Markup:
    """Markdown from an untrusted author, as HTML safe to put on any page."""
    source = (source or "")[:MAX_SOURCE_LENGTH].replace("\x00", "")
    html = _markdown().convert(source)
    # Headings in posts start at h3 so they never compete with the page's own outline.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                        link_rel="nofollow noopener noreferrer", strip_comments=True)
    return Markup(cleaned)


def plain_words(source: str) -> int:
    """Word count of a Markdown text, for length guidance."""
    return len([w for w in (source or "").split() if any(c.isalnum() for c in w)])
