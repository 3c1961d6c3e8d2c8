"""A complete case file for one person: every kind of record the register extract covers and
retention removes, with distinctive texts the tests look for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from insats.accounts.models import User
from insats.assessments.models import Answer, AnswerOption, Assessment, Instrument, Question
from insats.core import testing
from insats.enrolments.models import CaseNote, Enrolment, Followup, Reopening, ThreePartyMeeting
from insats.measures.models import Attendance, Placement
from insats.organisation.models import Unit
from insats.persons.models import Person
from insats.plans.models import ActionPlan, Goal, PlanFollowup
from insats.referrals.models import Referral

D = dt.date.fromisoformat


@dataclass
class Case:
    person: Person
    enrolment: Enrolment
    referral: Referral
    placement: Placement
    plan: ActionPlan


def instrument() -> Instrument:
    found = Instrument.objects.filter(name="Testinstrument").first()
    if found:
        return found
    made = Instrument.objects.create(name="Testinstrument")
    for order, text in enumerate(("Hur ser din vardag ut?", "Har du arbetat tidigare?")):
        question = Question.objects.create(instrument=made, order=order, text=text)
        AnswerOption.objects.create(question=question, order=0, label="Bra", score=1)
        AnswerOption.objects.create(question=question, order=1, label="Svårt", score=3)
    return made


def full_case(unit: Unit, coach: User, *, person: Person | None = None, start="2019-03-01",
              end: str | None = "2019-12-31", tag: str = "") -> Case:
    """An enrolment with meeting, note, reopening, follow-up, assessment, plan with a goal and a
    sub-goal and a plan follow-up, a placement with attendance, and the referral it came from.
    `tag` is added to every free text so two cases can be told apart."""
    person = person or testing.make_person(
        first_name="Amira", last_name="Registersson",
        birth_date=D("1990-02-14"), gender="K", address="Storgatan 1, 123 45 Orten",
        phone="070-1234567", email="amira@example.se", language="arabiska",
        municipality_code="0183", born_abroad=True, newly_arrived=False,
    )
    remittent = testing.make_user("remittent", None)
    referral = testing.make_referral(
        remittent, unit, person, reason=f"Behöver stöd mot arbete{tag}.",
        attachments_description=f"Utredning bifogad{tag}", referred_first_name="Amira",
        referred_last_name="Registersson", referred_birth_date=D("1990-02-14"),
        received_date=D(start) - dt.timedelta(
            days=10), status=Referral.Status.ALLOCATED, allocated_to=coach,
    )
    enrolment = testing.make_enrolment(
        person, unit, coach=coach, referral=referral, start_date=D(start),
        end_date=D(end) if end else None, closure_reason="ARBETE_UTAN_STOD" if end else None,
        closure_note=f"Fick jobb på lagret{tag}." if end else "", need_category="AM2",
        plan_date=D(start) + dt.timedelta(days=20),
    )
    ThreePartyMeeting.objects.create(enrolment=enrolment, date=D(start) + dt.timedelta(days=5),
                                     participants="Deltagaren, handläggare, konsulent",
                                     notes=f"Trepartssamtal om mål{tag}", created_by=coach)
    CaseNote.objects.create(enrolment=enrolment, author=coach,
                            text=f"Journalanteckning om hälsan{tag}")
    if end:
        Reopening.objects.create(enrolment=enrolment, reopened_by=coach,
                                 reason=f"Avslutad av misstag{tag}", previous_end_date=D(end),
                                 previous_closure_reason_id="ARBETE_UTAN_STOD")
        Followup.objects.create(enrolment=enrolment, months_after=6, status_id="ARBETE",
                                followup_date=D(end) + dt.timedelta(days=183))
    tool = instrument()
    assessment = Assessment.objects.create(
        enrolment=enrolment, instrument=tool, performed_by=coach,
        performed_on=D(start) + dt.timedelta(days=7), total_score=4, need_category="AM2",
        comment=f"Kartläggningskommentar{tag}",
    )
    for question, label in zip(tool.questions.order_by("order"), ("Bra", "Svårt"), strict=True):
        Answer.objects.create(assessment=assessment, question=question,
                              option=question.options.get(label=label))
    plan = ActionPlan.objects.create(enrolment=enrolment, established_on=D(start) + dt.timedelta(
        days=20), summary=f"Planens övergripande mål{tag}", next_followup_on=D(start)
        + dt.timedelta(days=60))
    goal = Goal.objects.create(plan=plan, text=f"Praktik inom lager{tag}", responsible="Konsulent",
                               due_on=D(start) + dt.timedelta(days=90))
    Goal.objects.create(plan=plan, parent=goal, text=f"Truckkort{tag}", achieved=True)
    PlanFollowup.objects.create(plan=plan, held_on=D(start) + dt.timedelta(days=60),
                                note=f"Uppföljning av planen{tag}", by=coach)
    placement = testing.make_placement(
        enrolment, start_date=D(start) + dt.timedelta(days=30),
        end_date=D(start) + dt.timedelta(days=120), workplace=f"Lagret AB{tag}",
        supervisor=f"Handledare Hansson{tag}", reported_hours=Decimal("10.00"),
        cost_sek=Decimal("12000.00"),
    )
    first = D(start) + dt.timedelta(days=31)
    Attendance.objects.create(placement=placement, date=first, hours=Decimal("6.50"))
    Attendance.objects.create(placement=placement, date=first + dt.timedelta(days=1),
                              hours=Decimal("0"), absence_reason="sick")
    return Case(person, enrolment, referral, placement, plan)
