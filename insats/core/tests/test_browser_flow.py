"""One person's whole way through Insats in a real browser, through the pages only.

A remittent sends a referral, the samordnare allocates it (choosing another coach than the
suggested one, which needs a reason), the coach holds a trepartssamtal, writes a journal note,
performs the kartläggning, establishes the genomförandeplan with a goal and a sub-goal, places
the person in an insats, records närvaro in the weekly grid and closes the inskrivning; the
remittent then sees status and plan, and switches the page to English. Every main page is
screenshotted and passes axe-core's WCAG 2.1 AA rules with no serious or critical issue.

Each role logs in through the login form and fills forms by their Swedish labels, as a user
would; the database is only read to assert what the pages wrote.
"""

import datetime as dt
import os
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from insats.accounts.models import Role
from insats.codes.models import ReferralSource
from insats.core import browser, testing
from insats.enrolments.models import Enrolment
from insats.measures.models import Attendance, Placement, Provider
from insats.persons.models import Person
from insats.referrals.models import Referral

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.chromium_available(), reason="Chromium is not installed"),
]

VALID_PNR = "19850612-2384"
WRONG_CHECK_DIGIT = "19850612-2380"


def working_day(today: dt.date) -> dt.date:
    """The last weekday on or before `today`: the weekly grid runs Monday to Friday and hours
    can only be recorded for days that have been, so the flow happens on a working day."""
    while today.weekday() >= 5:
        today -= dt.timedelta(days=1)
    return today


def field(scope, label: str):
    """The form control labelled exactly `label` (a required field's label ends in " *")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def menu(page, name: str):
    """A link in the main menu."""
    return page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name)


def log_in(chromium, live_server, username: str):
    """A fresh browser context logged in through the login form."""
    context = chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(testing.PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()
    page.wait_for_url(live_server.url + reverse("core:home"))
    return context, page


@pytest.fixture
def english(tmp_path):
    """English from the committed .po (the .mo files are built at set-up and not in git)."""
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
    polib.pofile(str(po)).save_as_mofile(str(target / "django.mo"))
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_referral_to_closure_in_the_browser(live_server, monkeypatch, english):
    # Playwright's sync API runs an event loop; the ORM calls below happen outside it.
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    today = working_day(timezone.localdate())
    real_localdate = timezone.localdate
    # The live server runs in this process: pin "today" for it too (see working_day).
    monkeypatch.setattr(
        timezone, "localdate",
        lambda value=None, timezone=None: today if value is None else real_localdate(value,
                                                                                     timezone),
    )

    unit = testing.make_unit(
        "AME", name="Arbetsmarknadsenheten",
        allocation_routine="Remisser fördelas varje tisdag av samordnaren. Den konsulent som "
                           "har minst antal öppna ärenden får remissen, om inte språk eller "
                           "tidigare kontakt talar för någon annan.",
    )
    testing.make_user(Role.SAMORDNARE, unit, username="samordnare", first_name="Eva",
                      last_name="Nord")
    anna = testing.make_user(Role.COACH, unit, username="anna", first_name="Anna",
                             last_name="Berg")
    omar = testing.make_user(Role.COACH, unit, username="omar", first_name="Omar",
                             last_name="Haddad")
    testing.make_user(Role.REMITTENT, None, username="remittent", first_name="Lena",
                      last_name="Ek", referral_source=ReferralSource.objects.get(code="EKB"))
    # Omar already has a case, so the routine suggests Anna.
    testing.make_enrolment(unit=unit, coach=omar, start_date=today - dt.timedelta(days=60))
    provider = Provider.objects.create(name="Återbruket", kind=Provider.Kind.INTERNAL)
    testing.make_measure(name="Second hand-butiken Återbruket", capacity=8, provider=provider,
                         unit_cost_sek=4500)
    url = live_server.url

    with sync_playwright() as pw:
        chromium = browser.launch(pw)

        # 1. The remittent sends a referral for a person not yet in Insats.
        context, page = log_in(chromium, live_server, "remittent")
        browser.check_page(page, "flow-01-home-remittent")
        page.get_by_role("link", name="Ny remiss").first.click()
        page.get_by_label("Personnummer eller samordningsnummer").fill(WRONG_CHECK_DIGIT)
        page.get_by_label("Förnamn").fill("Sara")
        page.get_by_label("Efternamn").fill("Lind")
        page.get_by_label("Mottagande enhet").select_option(label="Arbetsmarknadsenheten")
        page.get_by_label("Uppdragsgivare").select_option(
            label="Ekonomiskt bistånd / försörjningsstöd")
        page.get_by_label("Försörjning").select_option(label="Försörjningsstöd")
        page.get_by_label("Anledning och uppdrag").fill(
            "Sara har haft försörjningsstöd i två år och vill komma ut i arbete inom handeln.")
        page.get_by_role("button", name="Skicka remiss").click()
        expect(page.get_by_role("alert")).to_contain_text("kontrollsiffra stämmer inte")
        assert page.get_by_label("Anledning och uppdrag").input_value().startswith("Sara har")
        browser.check_page(page, "flow-02-referral-error")
        assert not Person.objects.filter(last_name="Lind").exists()
        assert not Referral.objects.exists()

        page.get_by_label("Personnummer eller samordningsnummer").fill(VALID_PNR)
        page.get_by_role("button", name="Skicka remiss").click()
        expect(page.get_by_role("status")).to_contain_text("Remissen är skickad")
        expect(page.get_by_role("heading", name=re.compile("Sara Lind"))).to_be_visible()
        expect(page.get_by_text("Inte fördelad ännu")).to_be_visible()
        browser.check_page(page, "flow-03-referrals-mine-sent")
        referral = Referral.objects.get(person__last_name="Lind")
        assert referral.status == Referral.Status.SENT
        assert referral.person.personnummer == "198506122384"
        context.close()

        # 2. The samordnare allocates it, against the suggestion and with a reason.
        context, page = log_in(chromium, live_server, "samordnare")
        browser.check_page(page, "flow-04-home-samordnare")
        menu(page, "Remisser att fördela").click()
        expect(page.get_by_role("heading", name=re.compile("Fördelningsrutin"))).to_be_visible()
        expect(page.get_by_text("Remisser fördelas varje tisdag")).to_be_visible()
        browser.check_page(page, "flow-05-queue")
        page.get_by_role("link", name="Fördela remiss för Sara Lind").click()
        expect(page.get_by_text("Anna Berg föreslås")).to_be_visible()
        coach_select = page.get_by_label("Konsulent")
        assert coach_select.locator("option:checked").inner_text() == "Anna Berg"
        browser.check_page(page, "flow-06-allocate")
        coach_select.select_option(label="Omar Haddad")
        page.get_by_role("button", name="Fördela och starta inskrivning").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "Ange skäl till att du väljer en annan konsulent än den föreslagna (Anna Berg).")
        browser.check_page(page, "flow-07-allocate-error")
        assert not Enrolment.objects.filter(person=referral.person).exists()
        page.get_by_label("Skäl till avsteg från förslaget").fill(
            "Omar har träffat Sara i ett tidigare ärende; kontinuiteten väger tyngst.")
        page.get_by_role("button", name="Fördela och starta inskrivning").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Remissen är fördelad till Omar Haddad")
        context.close()
        enrolment = Enrolment.objects.get(person=referral.person)
        assert enrolment.coach == omar and enrolment.start_date == today
        assert anna.caseload.count() == 0

        # 3. The coach works the case from the caseload.
        context, page = log_in(chromium, live_server, "omar")
        browser.check_page(page, "flow-08-home-coach")
        menu(page, "Ärenden").click()
        browser.check_page(page, "flow-09-caseload")
        page.get_by_role("link", name="Sara Lind").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Sara Lind")
        expect(page.get_by_text("Omar har träffat Sara")).to_be_visible()
        browser.check_page(page, "flow-10-enrolment-new")

        meeting = page.locator("details", has_text="Registrera trepartssamtal")
        meeting.get_by_text("Registrera trepartssamtal").click()
        participants = "Sara Lind, Omar Haddad, Lena Ek (socialsekreterare)"
        meeting.get_by_label("Deltagare").fill(participants)
        meeting.get_by_label("Anteckningar").fill("Sara vill arbeta i butik. Arbetsträning först.")
        meeting.get_by_role("button", name="Spara trepartssamtal").click()
        expect(page.get_by_role("status")).to_contain_text("Trepartssamtalet är sparat")
        expect(page.get_by_role("cell", name=participants)).to_be_visible()

        page.get_by_label("Ny journalanteckning").fill("Sara har lämnat CV. Ringer på fredag.")
        page.get_by_role("button", name="Spara anteckning").click()
        expect(page.get_by_text("Anteckningen är sparad.")).to_be_visible()
        expect(page.get_by_text("Sara har lämnat CV. Ringer på fredag.")).to_be_visible()

        # Kartläggning: one point per question gives 6 points, AM2.
        page.get_by_role("link", name="Gör kartläggning").click()
        expect(page.get_by_role("heading", name="Kartläggning arbetsförmåga")).to_be_visible()
        browser.check_page(page, "flow-11-assessment")
        for question, answer in [
            ("Hur ser arbetslivserfarenheten ut?", "Viss erfarenhet"),
            ("Vilken utbildning har personen?", "Fullständig gymnasieutbildning"),
            ("Hur är kunskaperna i svenska?", "Fungerar i vardagen"),
            ("Hur påverkar hälsan förmågan att arbeta?", "Viss begränsning"),
            ("Hur länge har personen varit utan arbete eller studier?", "Sex månader till två år"),
            ("Finns praktiska hinder", "Enstaka hinder"),
        ]:
            page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(
                re.compile(re.escape(answer))).check()
        page.get_by_role("button", name="Spara kartläggningen").click()
        expect(page.get_by_role("status")).to_contain_text("6 poäng ger behovskategori AM2")
        browser.check_page(page, "flow-12-assessment-result")
        page.get_by_role("link", name=re.compile("Tillbaka till inskrivningen|Till inskrivningen"))\
            .first.click()
        assessment_section = page.locator("#kartlaggning")
        expect(assessment_section).to_contain_text("AM2")

        # Genomförandeplan with a goal and a sub-goal, shared with the remittent.
        page.get_by_role("link", name="Upprätta genomförandeplan").click()
        browser.check_page(page, "flow-13-plan-create")
        page.get_by_label("Övergripande mål").fill("Anställning i detaljhandeln inom ett år.")
        expect(page.get_by_label("Dela planen med remittenten")).to_be_checked()
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("status")).to_contain_text("Genomförandeplanen är upprättad")
        page.get_by_role("link", name="Lägg till mål").click()
        field(page, "Mål").fill("Arbetsträning i butik tre dagar i veckan")
        page.get_by_label("Ansvarig").fill("Sara och Omar")
        page.get_by_label("Klart senast").fill((today + dt.timedelta(days=90)).isoformat())
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("status")).to_contain_text("Målet är tillagt")
        page.get_by_role("link", name="Lägg till mål").click()
        browser.check_page(page, "flow-14-goal-add")
        field(page, "Mål").fill("Klara kassautbildningen")
        page.get_by_label("Delmål till").select_option(
            label="Arbetsträning i butik tre dagar i veckan")
        page.get_by_role("button", name="Spara").click()
        plan_section = page.locator("#plan")
        expect(plan_section).to_contain_text("Klara kassautbildningen")
        expect(plan_section).to_contain_text("Anställning i detaljhandeln inom ett år.")
        browser.check_page(page, "flow-15-enrolment-plan")

        # Placering in an insats.
        page.get_by_role("link", name="Ny placering").click()
        field(page, "Insats").select_option(
            label="Second hand-butiken Återbruket (8 lediga platser i dag)")
        page.get_by_label("Arbetsplats").fill("Butiken på Storgatan")
        page.get_by_label("Handledare").fill("Kim Larsson")
        browser.check_page(page, "flow-16-placement")
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("status")).to_contain_text("Placeringen är registrerad")
        expect(page.locator("#insatser")).to_contain_text("Butiken på Storgatan")
        placement = Placement.objects.get(enrolment=enrolment)

        # Närvaro in the weekly grid of the insats: today, 6.5 hours.
        menu(page, "Närvaro").click()
        field(page, "Insats").select_option(label="Second hand-butiken Återbruket")
        page.get_by_role("button", name="Visa").click()
        day = f"{today:%Y-%m-%d}"
        hours = page.get_by_label(re.compile(f"^Timmar, Sara Lind, .* {day}$"))
        hours.fill("6,5")
        page.get_by_role("button", name="Spara veckan").click()
        expect(page.get_by_role("status")).to_contain_text("Veckans närvaro är sparad (1 dag)")
        expect(page.get_by_label(re.compile(f"^Timmar, Sara Lind, .* {day}$"))).to_have_value("6,5")
        browser.check_page(page, "flow-17-attendance-grid")
        assert Attendance.objects.get(placement=placement).hours == 6.5

        # The catalogue shows one place taken.
        menu(page, "Insatser").click()
        row = page.get_by_role("row", name=re.compile("Second hand-butiken Återbruket"))
        expect(row.get_by_role("cell").nth(4)).to_have_text("7")
        browser.check_page(page, "flow-18-catalogue")

        # Avslut: the reason's definition is shown where it is chosen.
        page.goto(url + reverse("enrolments:detail", args=[enrolment.pk]))
        page.get_by_role("link", name="Avsluta inskrivningen").click()
        reason = page.get_by_role("radio", name=re.compile("^Arbete utan subvention"))
        expect(reason).to_have_accessible_description(
            re.compile("Anställning på öppna arbetsmarknaden utan lönesubvention"))
        expect(page.get_by_text("Second hand-butiken Återbruket")).to_be_visible()
        browser.check_page(page, "flow-19-close")
        page.get_by_role("button", name="Avsluta inskrivningen").click()
        expect(page.get_by_role("alert")).to_contain_text("Välj en avslutsorsak.")
        page.get_by_role("radio", name=re.compile("^Arbete utan subvention")).check()
        page.get_by_label("Kommentar till avslut").fill("Timanställning i butiken från måndag.")
        page.get_by_role("button", name="Avsluta inskrivningen").click()
        expect(page.get_by_role("status")).to_contain_text("Inskrivningen är avslutad")
        expect(page.locator("#facts-h + dl")).to_contain_text("Arbete utan subvention")
        browser.check_page(page, "flow-20-enrolment-closed")
        context.close()
        enrolment.refresh_from_db()
        placement.refresh_from_db()
        assert enrolment.end_date == today and enrolment.closure_reason_id == "ARBETE_UTAN_STOD"
        assert placement.end_date == today

        # 4. The remittent sees the outcome and the shared plan.
        context, page = log_in(chromium, live_server, "remittent")
        menu(page, "Mina remisser").click()
        card = page.locator("section.panel", has_text="Sara Lind")
        expect(card).to_contain_text(f"Avslutad {day} (Arbete utan subvention)")
        expect(card).to_contain_text("Omar Haddad")
        expect(card).to_contain_text("Anställning i detaljhandeln inom ett år.")
        expect(card.locator("li li")).to_have_text("Klara kassautbildningen")
        browser.check_page(page, "flow-21-referrals-mine-closed")

        # 5. The same page in English, chosen with the language button in the header.
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My referrals")
        expect(card).to_contain_text(f"Closed {day} (Arbete utan subvention)")
        expect(card.get_by_role("heading", name="Action plan")).to_be_visible()
        browser.check_page(page, "flow-22-referrals-mine-english")
        context.close()
        chromium.close()
