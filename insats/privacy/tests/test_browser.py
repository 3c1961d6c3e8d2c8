"""The administrator's page for protected-identity grants in a real browser: it passes axe-core's
WCAG 2.1 AA rules, with grants listed and with errors shown in both forms."""

import os

import pytest
from django.urls import reverse

from insats.accounts.models import ProtectedIdentityGrant, Role
from insats.core import browser, testing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.chromium_available(), reason="Chromium is not installed"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_grants_page_is_accessible(live_server, monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    unit = testing.make_unit("AMEG", name="Arbetsmarknadsenheten")
    coach = testing.make_user(Role.COACH, unit, username="konsulent")
    admin = testing.make_user(Role.ADMIN, None, username="administrator", is_staff=True)
    person = testing.make_person(first_name="Eva", last_name="Skyddadsdotter",
                                 protected_identity=True)
    grant = ProtectedIdentityGrant.objects.create(user=coach, person=person, reason="Ansvarig")
    url = live_server.url + reverse("privacy:grants")
    with sync_playwright() as pw:
        chromium = browser.launch(pw)
        context = chromium.new_context(locale="sv-SE")
        context.add_cookies([browser.session_cookie(admin, live_server)])
        page = context.new_page()
        assert page.goto(url).status == 200
        browser.check_page(page, "privacy-grants")
        # Grant without a reason and with a person id that is no number.
        page.select_option("#id_user", str(coach.pk))
        page.fill("#id_person", "abc")
        page.click("button:has-text('Ge behörighet')")
        assert "är inget person-id" in page.content()
        browser.check_page(page, "privacy-grants-grant-errors")
        # Revoke without a reason.
        page.goto(url)
        page.click(f"#grant-{grant.pk} ~ td button[type=submit]")
        assert "Ange skälet till att behörigheten tas bort." in page.content()
        browser.check_page(page, "privacy-grants-revoke-errors")
        context.close()
        chromium.close()
