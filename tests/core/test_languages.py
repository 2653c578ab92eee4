"""Languages (SPEC §8.3): POST /language, the order in which the page's language is chosen, <html lang>, the
catalogues, and text written for someone (mail, certificate) in that person's language."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from courseware.accounts.models import User
from courseware.extensions import db
from courseware.i18n_check import catalogue_problems, template_problems
from tests.certificates.helpers import pdf_text, pretend_earned
from tests.conftest import ask_for_reset

ROOT = Path(__file__).resolve().parents[2]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def account_language(app, user) -> str | None:
    with app.app_context():
        return db.session.get(User, user.id).language


# --- negotiation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, word", [("en", "Course home"), ("de", "Kursstartseite"), ("fr", "Accueil du cours"),
                                        ("nl", "Startpagina van de cursus")])
def test_the_page_is_in_the_browsers_language_and_says_so(client, code, word):
    response = client.get("/", headers={"Accept-Language": f"{code};q=0.9, en;q=0.1"})
    assert html_lang(response) == code
    assert word in response.get_data(as_text=True)


def test_an_unoffered_browser_language_gets_english(client):
    response = client.get("/", headers={"Accept-Language": "pl, es;q=0.8"})
    assert html_lang(response) == "en"
    assert "Course home" in response.get_data(as_text=True)


def test_a_visitors_choice_beats_the_browser_and_is_kept_in_a_cookie(client):
    response = client.post("/language", data={"language": "nl", "next": "/glossary/"})
    assert response.status_code == 303 and response.headers["Location"] == "/glossary/"
    assert "language=nl" in response.headers["Set-Cookie"]
    page = client.get("/glossary/", headers={"Accept-Language": "de"})
    assert html_lang(page) == "nl" and "Woordenlijst" in page.get_data(as_text=True)


def test_the_account_beats_the_cookie_and_the_browser(app, client, learner, signed_in):
    me = signed_in(learner)
    assert me.post("/language", data={"language": "fr"}).status_code == 303
    assert account_language(app, learner) == "fr"
    me.set_cookie("language", "nl")
    page = me.get("/", headers={"Accept-Language": "de"})
    assert html_lang(page) == "fr" and "Se déconnecter" in page.get_data(as_text=True)


def test_the_account_remembers_the_choice_on_another_device(learner, signed_in):
    first = signed_in(learner)
    first.post("/language", data={"language": "de"})
    other = signed_in(learner)          # a new client: no cookie of the first
    assert html_lang(other.get("/", headers={"Accept-Language": "en"})) == "de"


def test_an_unknown_language_is_ignored_with_a_message(app, client, learner, signed_in):
    me = signed_in(learner)
    me.post("/language", data={"language": "de"})
    for bad in ("xx", "", "DE", "de-DE<script>", "en" * 500):
        response = me.post("/language", data={"language": bad, "next": "/modules/"})
        assert response.status_code == 303 and "language=" not in response.headers.get("Set-Cookie", "")
    assert account_language(app, learner) == "de"
    page = me.get("/modules/").get_data(as_text=True)
    assert "Diese Sprache wird nicht angeboten" in page
    assert client.post("/language").status_code == 303        # no field at all: the same, never a 500


@pytest.mark.parametrize("target, expected", [
    ("/modules/basics/", "/modules/basics/"),
    ("/glossary/?x=1", "/glossary/?x=1"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_is_followed_only_when_it_is_a_local_path(client, target, expected):
    response = client.post("/language", data={"language": "fr", "next": target})
    assert response.headers["Location"] == expected


def test_the_language_form_is_in_every_pages_header_without_javascript(client):
    html = client.get("/modules/").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/language".*?</form>', html, re.S).group(0)
    assert 'method="post"' in form and 'name="csrf_token"' in form and '<label for="language-choice">' in form
    assert 'name="next" value="/modules/"' in form
    assert all(f'value="{code}"' in form for code in ("en", "de", "fr", "nl"))
    assert "<script" not in html


def test_the_language_form_needs_the_csrf_token(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert client.post("/language", data={"language": "de"}).status_code == 400


# --- switching keeps what was written ----------------------------------------------------------------

def test_switching_language_keeps_a_saved_draft(app, learner, signed_in):
    """A learner's draft lives on the server (Save draft): switching language from the assignment page comes back to
    the same page, in the other language, with the draft in place. (The language form is a form of its own, so
    text typed but not yet saved in another form is not sent with it; the draft button saves it first.)"""
    me = signed_in(learner)
    page = "/modules/basics/assignment/"
    assert me.post(page, data={"body": "Unser Depot kann nachts laden.", "save_draft": "Save draft"}).status_code == 302
    response = me.post("/language", data={"language": "de", "next": page})
    assert response.headers["Location"] == page
    html = me.get(page).get_data(as_text=True)
    assert html_lang_of(html) == "de"
    assert "Unser Depot kann nachts laden." in html and "Sie haben einen Entwurf" in html


def html_lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_progress_is_the_same_in_every_language(learner, signed_in):
    me = signed_in(learner)
    assert me.post("/modules/basics/first-steps/complete").status_code == 302
    me.post("/language", data={"language": "nl"})
    html = me.get("/modules/basics/").get_data(as_text=True)
    assert "Afgerond" in html


# --- text written for someone, in their language -----------------------------------------------------

def test_a_german_learners_mail_is_in_german_whatever_the_request(app, client, learner, signed_in, outbox):
    signed_in(learner).post("/language", data={"language": "de"})
    # The reset is asked for by a browser in English: the mail follows the account, not the request.
    ask_for_reset(client, learner.email)
    mail = outbox[-1]
    assert mail["To"] == learner.email
    assert mail["Subject"] == "Passwort zurücksetzen"
    assert "Guten Tag Lena Learner" in mail.get_content()
    assert "innerhalb einer Stunde" in mail.get_content()


def test_an_english_learners_mail_stays_english_from_a_german_browser(app, client, learner, outbox):
    ask_for_reset(client, learner.email, headers={"Accept-Language": "de"})
    assert outbox[-1]["Subject"] == "Reset your password"


def test_a_german_learners_certificate_is_printed_in_german_and_never_changes(app, learner, signed_in, monkeypatch):
    pretend_earned(monkeypatch)
    me = signed_in(learner)
    me.post("/language", data={"language": "de"})
    assert me.post("/certificate/").status_code == 302
    pdf = me.get("/certificate/download").data
    text = pdf_text(pdf)
    assert "TEILNAHMEZERTIFIKAT" in text and "Hiermit wird bestätigt, dass" in text
    assert "Lena Learner" in text                          # names as entered
    # Switching language later keeps the issued PDF, byte for byte.
    me.post("/language", data={"language": "fr"})
    assert me.get("/certificate/download").data == pdf
    page = me.get("/certificate/").get_data(as_text=True)
    code = re.search(r'href="/verify/([0-9A-Z-]{24})"', page).group(1)
    # The public verification page is in the visitor's language.
    visitor = app.test_client()
    nl = visitor.get(f"/verify/{code}", headers={"Accept-Language": "nl"})
    assert html_lang(nl) == "nl" and "Geldig" in nl.get_data(as_text=True)


def test_dates_follow_the_pages_language(learner, signed_in):
    me = signed_in(learner)
    me.post("/language", data={"language": "fr"})
    html = me.get("/references/").get_data(as_text=True)
    months_en = ("January", "February", "March", "April", "June", "July", "August", "September", "October",
                 "November", "December")
    checked = re.findall(r"<dt>Vérifié le</dt><dd>([^<]+)</dd>", html)
    assert checked and not any(m in d for d in checked for m in months_en)


# --- the catalogues ----------------------------------------------------------------------------------

def test_every_template_text_goes_through_the_translation_functions():
    assert template_problems() == []


def test_every_catalogue_is_complete_and_has_nothing_fuzzy(tmp_path):
    """The check `make test` runs: extract from the code now, then compare with each committed catalogue."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "-F", "babel.cfg",
                    "-k", "lazy_gettext", "-k", "_l", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    assert catalogue_problems(pot) == []


def test_the_check_finds_text_outside_the_translation_functions(tmp_path, monkeypatch):
    import courseware.i18n_check as check
    (tmp_path / "bad.html").write_text('{% block content %}<p>Hello {{ name }}</p><p aria-label="Close">'
                                       '{{ _("Fine") }}</p>{% trans %}Also fine{% endtrans %}{% endblock %}')
    monkeypatch.setattr(check, "TEMPLATES", tmp_path)
    monkeypatch.setattr(check, "ROOT", tmp_path)
    problems = check.template_problems()
    assert any("'Hello'" in p for p in problems) and any("'Close'" in p for p in problems)
    assert not any("Fine" in p for p in problems)


def test_the_check_finds_a_missing_or_fuzzy_message(tmp_path, monkeypatch):
    import courseware.i18n_check as check
    (tmp_path / "messages.pot").write_text('msgid "Hello"\nmsgstr ""\n\nmsgid "Bye"\nmsgstr ""\n')
    for lang in check.LANGUAGES:
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text('#, fuzzy\nmsgid "Hello"\nmsgstr "Hallo"\n')
    monkeypatch.setattr(check, "CATALOGUES", tmp_path)
    monkeypatch.setattr(check, "ROOT", tmp_path)
    problems = check.catalogue_problems(tmp_path / "messages.pot")
    assert any("fuzzy 'Hello'" in p for p in problems) and any("missing 'Bye'" in p for p in problems)


def test_the_account_language_is_in_the_data_export(learner, signed_in):
    me = signed_in(learner)
    me.post("/language", data={"language": "nl"})
    assert me.get("/account/export").get_json()["profile"]["language"] == "nl"


# --- the course engine in other languages ------------------------------------------------------------

def test_glossary_order_folds_accents_and_anchors_stay_ascii():
    from courseware.courses.loader import folded, glossary_order
    from courseware.courses.structure import GlossaryTerm

    terms = [GlossaryTerm(term=t, anchor="", definition_html="", module_slug="m")
             for t in ("Zählpunkt", "Énergie", "eau", "Übertragungsnetz", "Ladepunkt", "fréquence", "Umspannwerk")]
    assert [t.term for t in sorted(terms, key=glossary_order)] == [
        "eau", "Énergie", "fréquence", "Ladepunkt", "Übertragungsnetz", "Umspannwerk", "Zählpunkt"]
    assert folded("Gestion de l’énergie") == "gestion de l’energie"
    assert folded("Straße") == "strasse"


def test_the_words_the_renderer_adds_are_in_the_texts_language():
    from courseware.courses.rendering import RenderContext, fixed_text

    def ctx(language):
        return RenderContext(source="x.md", folder="", link_map={}, asset_url=lambda p: None, language=language)
    assert fixed_text(ctx("en"), "Source %(n)s", n=2) == "Source 2"
    assert fixed_text(ctx("de"), "Source %(n)s", n=2) == "Quelle 2"
    assert fixed_text(ctx("fr"), "Back to the text") == "Retour au texte"
    assert fixed_text(ctx("nl"), "Sources") == "Bronnen"
