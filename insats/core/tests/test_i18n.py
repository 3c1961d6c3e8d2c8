"""The English translation: the committed .po is complete and pages switch language.

Swedish is the source language; English comes from insats/locale/en/LC_MESSAGES/django.po.
These tests check that file as committed (every entry translated, placeholders kept), not
that makemessages would find nothing new, so a colleague's new string does not fail them
before the next translation round.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
# Python %-placeholders (named or not) and str.format fields.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[sdif]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def entries() -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(PO_PATH)) if not e.obsolete]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_po_file_exists_and_has_entries():
    assert PO_PATH.exists(), PO_PATH
    assert len(entries()) > 100


def test_every_entry_is_translated_and_not_fuzzy():
    untranslated = []
    for e in entries():
        texts = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        if "fuzzy" in e.flags or not texts or not all(t.strip() for t in texts):
            untranslated.append(e.msgid)
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"


def test_placeholders_are_kept():
    wrong = []
    for e in entries():
        if e.msgid_plural:
            # English forms follow the Swedish forms one to one.
            forms = [(e.msgid, e.msgstr_plural.get(0, "")),
                     (e.msgid_plural, e.msgstr_plural.get(1, ""))]
        else:
            forms = [(e.msgid, e.msgstr)]
        for source, translation in forms:
            if placeholders(source) != placeholders(translation):
                wrong.append((source, translation))
    assert not wrong, wrong[:10]


def test_header_declares_utf8_and_english_plurals():
    po = polib.pofile(str(PO_PATH))
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"].startswith("nplurals=2;")
    assert not po.metadata_is_fuzzy


@pytest.fixture
def compiled_english(tmp_path):
    """The committed .po compiled to a fresh .mo (the .mo files are not in git); changing
    LOCALE_PATHS also empties Django's translation cache."""
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    polib.pofile(str(PO_PATH)).save_as_mofile(str(target / "django.mo"))
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


@pytest.mark.django_db
def test_swedish_even_when_the_browser_asks_for_english(client, compiled_english):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "<h1>Logga in</h1>" in html


@pytest.mark.django_db
def test_login_page_in_english_by_the_switch(client, compiled_english):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html
    assert "Skip to content" in html
    assert "municipal labour-market measures" in html
    assert "Logga in" not in html


@pytest.mark.django_db
def test_language_cookie_chooses_english(client, compiled_english):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("accounts:login")).content.decode()
    assert "<h1>Log in</h1>" in html


@pytest.mark.django_db
def test_swedish_is_the_default(client, compiled_english):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="sv">' in html
    assert "<h1>Logga in</h1>" in html


@pytest.mark.django_db
def test_logged_in_page_in_english(client, coach, compiled_english):
    client.force_login(coach)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("enrolments:caseload")).content.decode()
    assert "<h1>Cases</h1>" in html
    assert "My cases" in html
