"""Bilagor: files sent with a referral. Checked by content and size, stored all or nothing
under random names, downloaded only by those who may see the referral (logged), listed in the
register extract, removed by retention."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from insats.accounts.models import Role
from insats.audit.models import AccessLogEntry, Action
from insats.codes.models import ReferralSource
from insats.core import access, testing
from insats.privacy import extract
from insats.privacy.models import RecordKind, RetentionRule
from insats.privacy.retention import run_retention
from insats.privacy.tests.builders import full_case
from insats.referrals import services
from insats.referrals.models import ATTACHMENT_DIR, Referral, ReferralAttachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 40
TEXT = b"Anteckningar om deltagaren, rad 1.\nRad 2.\n"
SWEDISH_NAME = "Läkarintyg åäö.pdf"
FORM = {"personnummer": "900101-1239", "first_name": "Ny", "last_name": "Remissdotter",
        "referral_source": "EKB", "reason": "Stöd mot arbete."}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def send(client, unit, files, **extra):
    return client.post(reverse("referrals:create"), {**FORM, "unit": unit.pk,
                                                    "attachments": files, **extra})


def make_attached(remittent, unit, name=SWEDISH_NAME, content=PDF, status=None,
                  **kw) -> ReferralAttachment:
    """A referral with one file, attached by its sender while it waited; then `status`."""
    referral = testing.make_referral(remittent, unit, **kw)
    (attachment,) = services.add_attachments(referral, by=remittent,
                                             files=[upload(name, content)])
    if status:
        Referral.objects.filter(pk=referral.pk).update(status=status)
    return attachment


# --- Sending ------------------------------------------------------------------------------------


def test_a_pdf_sent_with_the_referral_is_stored_under_a_random_name(client, remittent, unit,
                                                                    settings):
    client.force_login(remittent)
    response = send(client, unit, [upload(SWEDISH_NAME, PDF), upload("foto.png", PNG)])
    assert response.status_code == 302
    referral = Referral.objects.get()
    pdf, png = referral.attachments.order_by("pk")
    assert (pdf.original_name, pdf.content_type, pdf.size, pdf.uploaded_by) == (
        SWEDISH_NAME, "application/pdf", len(PDF), remittent)
    assert (png.original_name, png.content_type, png.size) == ("foto.png", "image/png", len(PNG))
    # The stored path is random: never the sender's file name, not even part of it.
    assert re.fullmatch(rf"{ATTACHMENT_DIR}/[0-9a-f]{{32}}\.pdf", pdf.file.name)
    assert re.fullmatch(rf"{ATTACHMENT_DIR}/[0-9a-f]{{32}}\.png", png.file.name)
    for a in (pdf, png):
        assert "intyg" not in a.file.name.lower() and "foto" not in a.file.name
    assert sorted(p.read_bytes() for p in stored_files(settings)) == sorted([PDF, PNG])
    assert Path(settings.MEDIA_ROOT, pdf.file.name).read_bytes() == PDF
    # Not readable by other accounts on the server (settings.FILE_UPLOAD_PERMISSIONS).
    assert Path(settings.MEDIA_ROOT, pdf.file.name).stat().st_mode & 0o777 == 0o640


def test_the_form_has_an_accessible_file_input(client, remittent, settings):
    settings.INSATS_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    client.force_login(remittent)
    html = client.get(reverse("referrals:create")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_attachments">Bifoga filer</label>' in html
    assert re.search(r'<input type="file" name="attachments"[^>]*multiple', html)
    assert 'aria-describedby="id_attachments_helptext"' in html
    assert ("Högst 5 filer. Tillåtna filtyper: PDF, PNG, JPEG. Största storlek per fil: 10 MB."
            in html)


@pytest.mark.parametrize(("name", "content"), [("program.pdf", EXE), ("anteckning.txt", TEXT),
                                               ("anteckning.pdf", TEXT)])
def test_other_file_types_are_refused_naming_the_file(client, remittent, unit, settings, name,
                                                      content):
    client.force_login(remittent)
    response = send(client, unit, [upload(name, content)])
    assert response.status_code == 200
    html = response.content.decode()
    assert (f"Filen {name} har en filtyp som inte tas emot. Tillåtna filtyper: PDF, PNG, JPEG."
            in html)
    assert not Referral.objects.exists()
    assert stored_files(settings) == []


def test_a_pdf_with_the_wrong_extension_is_refused(remittent, unit):
    with pytest.raises(ValidationError) as caught:
        services.add_attachments(testing.make_referral(remittent, unit), by=remittent,
                                 files=[upload("intyg.png", PDF)])
    assert caught.value.message_dict["attachments"] == [
        "Filen intyg.png är en PDF-fil men har fel filändelse."]


def test_a_file_over_the_limit_is_refused(client, remittent, unit, settings):
    settings.INSATS_UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(remittent)
    big = PDF + b"0" * (3 * 512 * 1024)  # 1.5 MB and a little
    response = send(client, unit, [upload("stor.pdf", big)])
    assert ("Filen stor.pdf är för stor (1,5 MB). Största tillåtna storlek är 1,0 MB."
            in response.content.decode())
    assert not Referral.objects.exists() and stored_files(settings) == []


def test_an_empty_file_is_refused(remittent, unit):
    with pytest.raises(ValidationError) as caught:
        services.add_attachments(testing.make_referral(remittent, unit), by=remittent,
                                 files=[upload("tom.pdf", b"")])
    assert caught.value.message_dict["attachments"] == ["Filen tom.pdf är tom."]


def test_one_bad_file_among_good_ones_stores_nothing(client, remittent, unit, settings):
    client.force_login(remittent)
    response = send(client, unit, [upload("a.pdf", PDF), upload("program.pdf", EXE),
                                   upload("b.png", PNG)])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Filen program.pdf har en filtyp som inte tas emot." in html
    assert "a.pdf" not in html.split("error-summary")[1].split("</div>")[0]
    assert not Referral.objects.exists()
    assert not ReferralAttachment.objects.exists()
    assert stored_files(settings) == []


def test_at_most_five_attachments(remittent, unit, settings):
    source = ReferralSource.objects.get(code="EKB")
    with pytest.raises(ValidationError) as caught:
        services.create_referral(
            sender=remittent, unit=unit, referral_source=source, reason="Stöd.",
            person_data={"first_name": "A", "last_name": "B", "birth_date": dt.date(1990, 1, 1),
                         "gender": "K"},
            attachments=[upload(f"{n}.pdf", PDF) for n in range(6)],
        )
    assert caught.value.message_dict["attachments"] == [
        "En remiss kan ha högst 5 bilagor; du valde 6 filer."]
    assert not Referral.objects.exists() and stored_files(settings) == []
    referral = testing.make_referral(remittent, unit)
    services.add_attachments(referral, by=remittent,
                             files=[upload(f"{n}.pdf", PDF) for n in range(4)])
    with pytest.raises(ValidationError) as caught:
        services.add_attachments(referral, by=remittent,
                                 files=[upload("5.pdf", PDF), upload("6.pdf", PDF)])
    assert caught.value.message_dict["attachments"] == [
        "En remiss kan ha högst 5 bilagor. Du valde 2 filer och remissen har redan 4."]
    assert referral.attachments.count() == 4 and len(stored_files(settings)) == 4


def test_files_written_before_a_failure_are_removed(remittent, unit, settings, monkeypatch):
    """A failure after the first file was written (here: the second row) leaves no file."""
    created = ReferralAttachment.objects.create
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return created(**kwargs)

    monkeypatch.setattr(ReferralAttachment.objects, "create", failing_create)
    source = ReferralSource.objects.get(code="EKB")
    with pytest.raises(RuntimeError):
        services.create_referral(
            sender=remittent, unit=unit, referral_source=source, reason="Stöd.",
            person_data={"first_name": "A", "last_name": "B", "birth_date": dt.date(1990, 1, 1),
                         "gender": "K"},
            attachments=[upload("a.pdf", PDF), upload("b.pdf", PDF)],
        )
    assert not Referral.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(("given", "shown"), [
    ("Läkarintyg åäö.pdf", "Läkarintyg åäö.pdf"),
    ("..\\..\\Läkarintyg\x00<x>.pdf", "Läkarintyg_x_.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ('a"b;c.pdf', "a_b;c.pdf"),
    ("  ...  ", "bilaga"),
    ("La\u0308kare.pdf", "Läkare.pdf"),  # decomposed ä is composed (NFC)
])
def test_the_shown_name_is_sanitised(given, shown):
    assert services.sanitise_filename(given) == shown


def test_a_long_name_keeps_its_extension():
    name = services.sanitise_filename("x" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith("xx.pdf")


# --- Adding to a referral already sent --------------------------------------------------------


def test_the_sender_adds_files_until_the_referral_is_allocated(client, remittent, samordnare,
                                                               unit, coach, settings):
    referral = testing.make_referral(remittent, unit)
    client.force_login(remittent)
    url = reverse("referrals:add_attachments", args=[referral.pk])
    assert "Bifoga filer" in client.get(url).content.decode()
    response = client.post(url, {"attachments": [upload("intyg.pdf", PDF)]})
    assert response.status_code == 302
    assert [a.original_name for a in referral.attachments.all()] == ["intyg.pdf"]
    mine = client.get(reverse("referrals:mine")).content.decode()
    assert "intyg.pdf" in mine and url in mine
    # Not the samordnare of the unit: they did not send it.
    client.force_login(samordnare)
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.add_attachments(referral, by=samordnare, files=[upload("x.pdf", PDF)])
    services.allocate_referral(referral, by=samordnare, coach=coach,
                               start_date=dt.date(2024, 2, 1))
    client.force_login(remittent)
    assert client.get(url).status_code == 302
    assert client.post(url, {"attachments": [upload("sen.pdf", PDF)]}).status_code == 302
    assert referral.attachments.count() == 1 and len(stored_files(settings)) == 1
    assert url not in client.get(reverse("referrals:mine")).content.decode()
    referral.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.add_attachments(referral, by=remittent, files=[upload("sen.pdf", PDF)])


def test_adding_without_a_file_says_so(client, remittent, unit):
    referral = testing.make_referral(remittent, unit)
    client.force_login(remittent)
    response = client.post(reverse("referrals:add_attachments", args=[referral.pk]), {})
    assert "Välj minst en fil att bifoga." in response.content.decode()


# --- Downloading ------------------------------------------------------------------------------


def test_download_headers_and_content(client, remittent, unit):
    attachment = make_attached(remittent, unit)
    client.force_login(remittent)
    response = client.get(reverse("referrals:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Lakarintyg aao.pdf\"; "
        "filename*=UTF-8''L%C3%A4karintyg%20%C3%A5%C3%A4%C3%B6.pdf"
    )


def test_download_is_for_the_sender_and_the_units_staff_only(client, remittent, unit,
                                                             other_unit, controller, admin_user):
    attachment = make_attached(remittent, unit)
    url = reverse("referrals:attachment", args=[attachment.pk])
    allowed = [remittent] + [testing.make_user(role, unit) for role in
                             (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF)]
    refused = [controller, admin_user, testing.make_user(Role.REMITTENT, None)] + [
        testing.make_user(role, other_unit)
        for role in (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF)
    ]
    for user in allowed:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF  # read to the end: closes the file
    before = AccessLogEntry.objects.count()
    for user in refused:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 404, user
        assert PDF not in response.content
    assert AccessLogEntry.objects.count() == before  # a refusal writes nothing
    assert client.get(reverse("referrals:attachment", args=[attachment.pk + 999])
                      ).status_code == 404
    assert set(access.visible_referral_attachments(controller)) == set()


def test_every_download_is_logged_as_a_read(client, remittent, unit):
    attachment = make_attached(remittent, unit)
    coach = testing.make_user(Role.COACH, unit, username="bilagekonsulent")
    client.force_login(coach)
    url = reverse("referrals:attachment", args=[attachment.pk])
    for _ in range(2):
        assert b"".join(client.get(url).streaming_content) == PDF
    entries = list(AccessLogEntry.objects.order_by("pk"))
    assert [(e.username, e.action, e.object_type, e.object_id, e.person_id, e.path)
            for e in entries] == [
        ("bilagekonsulent", Action.READ, "referralattachment", attachment.pk,
         attachment.referral.person_id, url)] * 2


def test_a_missing_file_is_404(client, remittent, unit, settings):
    attachment = make_attached(remittent, unit)
    Path(settings.MEDIA_ROOT, attachment.file.name).unlink()
    client.force_login(remittent)
    assert client.get(reverse("referrals:attachment", args=[attachment.pk])).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_attachments_are_listed_with_name_size_date_and_link(client, remittent, samordnare,
                                                             unit):
    attachment = make_attached(remittent, unit)
    url = reverse("referrals:attachment", args=[attachment.pk])
    day = attachment.uploaded_at.astimezone().date().isoformat()
    pages = []
    client.force_login(samordnare)
    pages.append(client.get(reverse("referrals:queue")).content.decode())
    pages.append(client.get(reverse("referrals:allocate", args=[attachment.referral_id]))
                 .content.decode())
    client.force_login(remittent)
    pages.append(client.get(reverse("referrals:mine")).content.decode())
    for html in pages:
        assert f'<a href="{url}" download>Läkarintyg åäö.pdf</a>' in html
        assert f"PDF, {len(PDF)}\xa0byte, bifogad {day}" in html


def test_the_enrolment_page_lists_the_referrals_attachments(client, remittent, samordnare,
                                                            unit):
    attachment = make_attached(remittent, unit)
    coach = testing.make_user(Role.COACH, unit)
    enrolment = services.allocate_referral(attachment.referral, by=samordnare, coach=coach,
                                           start_date=dt.date(2024, 2, 1))
    client.force_login(coach)
    html = client.get(reverse("enrolments:detail", args=[enrolment.pk])).content.decode()
    assert reverse("referrals:attachment", args=[attachment.pk]) in html
    assert "Läkarintyg åäö.pdf" in html


# --- Register extract ------------------------------------------------------------------------


def test_the_register_extract_lists_and_carries_the_files(remittent, unit):
    attachment = make_attached(remittent, unit)
    person = attachment.referral.person
    data = extract.collect(person, by=remittent)
    (referral,) = data["referrals"]
    assert referral["attachment_files"] == [{
        "id": attachment.pk, "name": SWEDISH_NAME, "content_type": "application/pdf",
        "size": len(PDF), "uploaded_at": attachment.uploaded_at.astimezone(),
        "uploaded_by": remittent.get_full_name(),
    }]
    (entry,) = json.loads(extract.as_json(data))["referrals"][0]["attachment_files"]
    assert entry["name"] == SWEDISH_NAME
    assert base64.b64decode(entry["content_base64"]) == PDF
    html = render_to_string("privacy/pdf/extract.html", {"data": data})
    assert SWEDISH_NAME in html and "application/pdf" in html


# --- Retention -------------------------------------------------------------------------------


def only(*kinds: str) -> None:
    RetentionRule.objects.exclude(kind__in=kinds).update(active=False)


def test_a_case_file_purge_removes_the_files_from_disk(unit, coach, remittent, settings,
                                                       django_capture_on_commit_callbacks):
    only(RecordKind.CASE_FILE)
    old = full_case(unit, coach, end="2019-12-31")
    recent = full_case(unit, coach, start="2020-01-10", end="2020-06-30", tag=" (ny)")
    for case in (old, recent):
        services._store_attachments(case.referral, [upload("intyg.pdf", PDF)], by=remittent)
    old_file = Path(settings.MEDIA_ROOT, old.referral.attachments.get().file.name)
    two_days_ago = time.time() - 2 * 86400  # older than the grace period for orphans
    os.utime(old_file, (two_days_ago, two_days_ago))
    with django_capture_on_commit_callbacks(execute=True):
        dry = run_retention(dt.date(2025, 1, 1), dry_run=True)
    assert dry.report["counts"]["attachments_deleted"] == 1
    assert dry.report["counts"]["orphaned_files_deleted"] == 0  # not counted twice
    assert old_file.exists() and old.referral.attachments.count() == 1  # a dry run keeps it
    with django_capture_on_commit_callbacks(execute=True):
        run = run_retention(dt.date(2025, 1, 1))
    assert run.report["counts"]["attachments_deleted"] == 1
    assert run.report["counts"]["orphaned_files_deleted"] == 0
    assert not old_file.exists() and not old.referral.attachments.exists()
    assert recent.referral.attachments.count() == 1 and len(stored_files(settings)) == 1


def test_deleting_rejected_referrals_removes_their_files(remittent, unit, settings,
                                                         django_capture_on_commit_callbacks):
    only(RecordKind.REJECTED_REFERRAL)
    attachment = make_attached(remittent, unit, status=Referral.Status.REJECTED,
                               received_date=dt.date(2015, 1, 1))
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        run = run_retention(dt.date(2025, 1, 1))
    assert run.report["counts"]["attachments_deleted"] == 1
    assert not ReferralAttachment.objects.filter(pk=attachment.pk).exists()
    assert stored_files(settings) == []


def test_anonymising_a_person_removes_the_files_of_their_referrals(
        remittent, unit, settings, django_capture_on_commit_callbacks):
    only(RecordKind.PERSON)
    make_attached(remittent, unit, status=Referral.Status.REJECTED,
                  received_date=dt.date(2010, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        run = run_retention(dt.date(2025, 1, 1))
    assert run.report["counts"]["persons_anonymised"] == 1
    assert run.report["counts"]["attachments_deleted"] == 1
    assert stored_files(settings) == [] and not ReferralAttachment.objects.exists()


def test_files_left_without_a_row_are_removed_after_a_day(remittent, unit, settings,
                                                          django_capture_on_commit_callbacks):
    only()
    kept = make_attached(remittent, unit)
    root = Path(settings.MEDIA_ROOT, ATTACHMENT_DIR)
    old_orphan = root / ("0" * 32 + ".pdf")
    new_orphan = root / ("1" * 32 + ".pdf")
    old_orphan.write_bytes(PDF)
    new_orphan.write_bytes(PDF)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old_orphan, (two_days_ago, two_days_ago))
    os.utime(Path(settings.MEDIA_ROOT, kept.file.name), (two_days_ago, two_days_ago))
    with django_capture_on_commit_callbacks(execute=True):
        run = run_retention(dt.date(2025, 1, 1))
    assert run.report["counts"]["orphaned_files_deleted"] == 1
    assert not old_orphan.exists() and new_orphan.exists()
    assert Path(settings.MEDIA_ROOT, kept.file.name).exists()


def test_the_api_lists_a_referrals_attachments(client, remittent, unit):
    attachment = make_attached(remittent, unit)
    client.force_login(remittent)
    body = client.get(f"/api/v1/referrals/{attachment.referral_id}/").json()
    assert body["attachments"] == [{
        "id": attachment.pk, "name": SWEDISH_NAME, "content_type": "application/pdf",
        "size": len(PDF), "uploaded_at": body["attachments"][0]["uploaded_at"],
    }]
    assert body["attachments"][0]["uploaded_at"].startswith(
        attachment.uploaded_at.astimezone().date().isoformat())
