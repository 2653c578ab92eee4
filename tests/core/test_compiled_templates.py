"""Templates compiled once per language (core/compiled_templates.py): the text a reader gets is exactly what
Jinja's i18n extension gives at run time, in the reader's language, whatever was compiled before."""
from __future__ import annotations

import pytest
from jinja2 import DictLoader, nodes

from courseware.core.compiled_templates import FoldTranslations
from courseware.core.i18n import in_language

SOURCE = ('<p>{{ _("Sign out") }}</p><p>{{ _("Reason: %(reason)s", reason=reason) }}</p>'
          '<p>{{ _("%(correct)s of %(total)s (%(percent)s%%)", correct=1, total=2, percent=50) }}</p>'
          '<p>{{ _(text) }}</p><p title="{{ _("Sign out") }}">{% set label = _("Signed in as") %}{{ label }}</p>')


def render(app, name: str, code: str, **values) -> str:
    with app.test_request_context("/"), in_language(code):
        return app.jinja_env.get_template(name).render(**values)


def run_time_gettext(app, code: str, **values) -> str:
    """The same template rendered without compile-time translation: every _() a call at run time."""
    with app.test_request_context("/"), in_language(code):
        return app.jinja_env.from_string(SOURCE).render(**values)


@pytest.mark.parametrize("code", ["en", "de", "fr", "nl"])
def test_compiled_translations_read_exactly_as_translations_at_run_time(app, code):
    app.jinja_env.loader = DictLoader({"sample.html": SOURCE})
    values = {"reason": "<script>alert(1)</script> & more", "text": "Sign out"}
    html = render(app, "sample.html", code, **values)
    assert html == run_time_gettext(app, code, **values)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html     # a value is escaped into the text
    assert "(50%)" in html or "(50 %)" in html                              # "%%" reads as one "%"


def test_each_language_gets_its_own_copy_even_through_a_shared_bytecode_cache(app):
    app.jinja_env.loader = DictLoader({"sample.html": SOURCE})
    seen = {code: render(app, "sample.html", code, reason="", text="") for code in ("de", "fr", "de", "en")}
    assert "Abmelden" in seen["de"] and "Se déconnecter" in seen["fr"] and "Sign out" in seen["en"]
    assert "Abmelden" not in seen["fr"] and "Abmelden" not in seen["en"]


def test_a_page_is_in_the_readers_language_after_another_language_was_compiled(client):
    assert "Kursstartseite" in client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    page = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Startpagina van de cursus" in page and "Kursstartseite" not in page


def test_only_literal_texts_with_their_placeholders_given_are_folded(app):
    fold = FoldTranslations(lambda text: f"[{text}]")
    for source, folded in (('{{ _("A") }}', True), ('{{ gettext("A") }}', True), ('{{ _("A %(n)s", n=1) }}', True),
                           ('{{ _(name) }}', False), ('{{ _("A %(n)s") }}', False), ('{{ _("A", *xs) }}', False),
                           ('{{ ngettext("A", "B", 2) }}', False)):
        tree = fold.visit(app.jinja_env.parse(source))    # the app's own environment parses without folding
        calls = [c for c in tree.find_all(nodes.Call)
                 if getattr(c.node, "name", "") in ("_", "gettext", "ngettext")]
        assert (not calls) is folded, source
