"""Registerutdrag (GDPR art. 15): everything Insats holds on one person.

`collect` gathers the person's details, enrolments with meetings, case notes, reopenings,
follow-ups, assessments with every answer, the action plan with goals and plan follow-ups,
placements with attendance, referrals with their attached files (bilagor: name, type, size,
date), protected-identity grants, and the access-log entries about the person (who has read or
changed their data, which art. 15 also covers). `as_json` and `as_pdf` render it; the JSON
extract also carries each attached file itself (base64), the PDF lists them. The extract is
for the data subject, so a protected person's address is included here and nowhere else;
producing it is logged (action `extract`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.accounts.models import ProtectedIdentityGrant, User
from insats.audit import services as audit
from insats.audit.models import AccessLogEntry
from insats.core import access
from insats.enrolments.models import Enrolment
from insats.measures.models import Placement
from insats.persons.models import Person
from insats.referrals.models import Referral, ReferralAttachment

FORMAT_VERSION = 1


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _label(obj) -> str:
    return str(obj) if obj is not None else ""


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "external_id": person.external_id,
        "personnummer": person.display_personnummer,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date,
        "gender": person.get_gender_display(),
        "education_level": person.get_education_level_display() if person.education_level
        else "",
        "born_abroad": person.born_abroad,
        "newly_arrived": person.newly_arrived,
        "protected_identity": person.protected_identity,
        "municipality_code": person.municipality_code,
        "address": person.address,
        "phone": person.phone,
        "email": person.email,
        "language": person.language,
        "registered_at": person.created_at,
        "updated_at": person.updated_at,
    }


def _assessments(enrolment: Enrolment) -> list[dict]:
    rows = []
    for assessment in enrolment.assessments.select_related("instrument", "performed_by"):
        answers = assessment.answers.select_related("question", "option").order_by(
            "question__order", "question__pk"
        )
        rows.append({
            "id": assessment.pk,
            "instrument": assessment.instrument.name,
            "performed_on": assessment.performed_on,
            "performed_by": _name(assessment.performed_by),
            "total_score": assessment.total_score,
            "need_category": assessment.need_category,
            "comment": assessment.comment,
            "answers": [
                {"question": a.question.text, "answer": a.option.label, "score": a.option.score}
                for a in answers
            ],
        })
    return rows


def _plan(enrolment: Enrolment) -> dict | None:
    plan = getattr(enrolment, "plan", None)
    if plan is None:
        return None
    goals = list(plan.goals.all())
    return {
        "established_on": plan.established_on,
        "summary": plan.summary,
        "next_followup_on": plan.next_followup_on,
        "shared_with_referrer": plan.shared_with_referrer,
        "goals": [
            {
                "text": goal.text,
                "responsible": goal.responsible,
                "due_on": goal.due_on,
                "achieved": goal.achieved,
                "subgoals": [
                    {"text": s.text, "responsible": s.responsible, "due_on": s.due_on,
                     "achieved": s.achieved}
                    for s in goals if s.parent_id == goal.pk
                ],
            }
            for goal in goals if goal.parent_id is None
        ],
        "followups": [
            {"held_on": f.held_on, "note": f.note, "by": _name(f.by)}
            for f in plan.followups.select_related("by")
        ],
    }


def _placements(enrolment: Enrolment) -> list[dict]:
    placements = (
        Placement.objects.filter(enrolment=enrolment).select_related("measure")
        .with_total_hours().prefetch_related("attendance")
    )
    return [
        {
            "measure": p.measure.name,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "workplace": p.workplace,
            "supervisor": p.supervisor,
            "hours": p.total_hours,
            "attendance": [
                {"date": a.date, "hours": a.hours,
                 "absence_reason": a.get_absence_reason_display() if a.absence_reason else ""}
                for a in p.attendance.all()
            ],
        }
        for p in placements
    ]


def _enrolment(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "id": enrolment.pk,
        "unit": enrolment.unit.name,
        "coach": _name(enrolment.coach),
        "referral_source": _label(enrolment.referral_source),
        "referral_date": enrolment.referral_date,
        "start_date": enrolment.start_date,
        "income_at_start": _label(enrolment.income_at_start),
        "need_category": enrolment.need_category,
        "plan_date": enrolment.plan_date,
        "end_date": enrolment.end_date,
        "closure_reason": _label(enrolment.closure_reason),
        "closure_note": enrolment.closure_note,
        "meetings": [
            {"date": m.date, "participants": m.participants, "notes": m.notes,
             "by": _name(m.created_by)}
            for m in enrolment.meetings.select_related("created_by")
        ],
        "case_notes": [
            {"written_at": n.created_at, "by": _name(n.author), "text": n.text}
            for n in enrolment.notes.select_related("author")
        ],
        "reopenings": [
            {"reopened_at": r.reopened_at, "by": _name(r.reopened_by), "reason": r.reason,
             # Follow-ups of the undone closure, kept with the reopening (enrolments app).
             "removed_followups": r.removed_followups}
            for r in enrolment.reopenings.select_related("reopened_by")
        ],
        "followups": [
            {"months_after": f.months_after, "status": _label(f.status),
             "followup_date": f.followup_date}
            for f in enrolment.followups.select_related("status")
        ],
        "assessments": _assessments(enrolment),
        "plan": _plan(enrolment),
        "placements": _placements(enrolment),
    }


def _referral(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "unit": referral.unit.name,
        "sender": _name(referral.sender),
        # The person as the sender entered them on the referral.
        "referred_personnummer": referral.referred_personnummer,
        "referred_first_name": referral.referred_first_name,
        "referred_last_name": referral.referred_last_name,
        "referred_birth_date": referral.referred_birth_date,
        "referral_source": _label(referral.referral_source),
        "income_source": _label(referral.income_source),
        "reason": referral.reason,
        "attachments": referral.attachments_description,
        "received_date": referral.received_date,
        "status": referral.get_status_display(),
        "allocated_to": _name(referral.allocated_to),
        "rejection_reason": referral.rejection_reason,
        "attachment_files": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "uploaded_at": timezone.localtime(a.uploaded_at),
                "uploaded_by": _name(a.uploaded_by),
            }
            for a in referral.attachments.select_related("uploaded_by")
        ],
    }


def _access_log(person: Person) -> list[dict]:
    entries = AccessLogEntry.objects.filter(person_id=person.pk).order_by("at", "pk")
    return [
        {
            "at": timezone.localtime(e.at),
            "user": e.username,
            "role": e.role,
            "action": e.get_action_display(),
            "object": f"{e.object_type} {e.object_id or ''}".strip(),
        }
        for e in entries
    ]


def collect(person: Person, *, by: User, reason: str = "") -> dict[str, Any]:
    """Everything held on `person`, as plain data (dates as date objects)."""
    enrolments = (
        Enrolment.objects.filter(person=person)
        .select_related("unit", "coach", "referral_source", "income_at_start", "closure_reason")
        .order_by("start_date", "pk")
    )
    referrals = (
        Referral.objects.filter(person=person)
        .select_related("unit", "sender", "referral_source", "income_source", "allocated_to")
        .order_by("received_date", "pk")
    )
    grants = ProtectedIdentityGrant.objects.filter(person=person).select_related("user")
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.localtime(),
        "generated_by": _name(by),
        "reason": reason,
        "person": _person(person),
        "enrolments": [_enrolment(e) for e in enrolments],
        "referrals": [_referral(r) for r in referrals],
        "protected_identity_grants": [
            {"user": _name(g.user), "granted_at": g.granted_at, "reason": g.reason}
            for g in grants
        ],
        "access_log": _access_log(person),
    }


def _json_default(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"Cannot serialise {type(value).__name__}")


def _with_files(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with each attached file's content (base64) added to its entry, for the
    machine-readable extract. A file missing on disk is said so rather than left out."""
    entries = [f for r in data.get("referrals", []) for f in r.get("attachment_files", [])]
    if not entries:
        return data
    stored = ReferralAttachment.objects.in_bulk([f["id"] for f in entries])
    referrals = []
    for referral in data["referrals"]:
        files = []
        for entry in referral.get("attachment_files", []):
            entry = dict(entry)
            attachment = stored.get(entry["id"])
            try:
                with attachment.file.open("rb") as handle:
                    entry["content_base64"] = base64.b64encode(handle.read()).decode("ascii")
            except (AttributeError, FileNotFoundError):
                entry["content_base64"] = None
                entry["missing"] = _("Filen saknas i lagringen.")
            files.append(entry)
        referrals.append({**referral, "attachment_files": files})
    return {**data, "referrals": referrals}


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(_with_files(data), default=_json_default, ensure_ascii=False,
                      indent=2).encode("utf-8")


def as_pdf(data: dict[str, Any]) -> bytes:
    """The extract as a PDF in Swedish (WeasyPrint; no network, the styles are in the page)."""
    from weasyprint import HTML

    html = render_to_string("privacy/pdf/extract.html", {"data": data})
    return HTML(string=html).write_pdf()


def produce(user: User, person: Person, *, reason: str, request=None) -> dict[str, Any]:
    """Check the user may make the extract, collect it and log that it was made.

    An administrator must state a reason (they have no case relation to the person).
    """
    if not access.can_extract_register(user, person):
        raise PermissionDenied
    reason = (reason or "").strip()
    if access.extract_needs_reason(user) and not reason:
        raise ValidationError({"reason": _("Ange skälet till registerutdraget.")})
    audit.log_access(request or user, audit.Action.EXTRACT, person=person,
                     object_type="extract", reason=reason)
    return collect(person, by=user, reason=reason)
