"""Writing the planned enrolments and everything inside them: referrals, assessments,
three-party meetings, case notes, action plans, placements, attendance and follow-ups.

Rows are collected in memory and written with bulk_create, parents before children, so that a
municipality of twenty thousand persons takes seconds rather than minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import models
from django.utils import timezone

from insats.assessments.models import Answer, Assessment, Instrument
from insats.enrolments.models import CaseNote, Enrolment, Followup, Reopening, ThreePartyMeeting
from insats.measures.models import Attendance, Measure, Placement
from insats.organisation.models import Unit
from insats.persons.models import Person
from insats.plans.models import ActionPlan, Goal, PlanFollowup
from insats.referrals.models import Referral

from . import data
from .bulk import insert_rows
from .rand import DemoRandom, add_months, weekdays
from .structure import Staff
from .timeline import EnrolmentSpec

# Referrals were registered in Insats from this date; older enrolments came by import.
REFERRALS_FROM = dt.date(2023, 1, 1)
MAIN_REMITTENT_OPEN = 18
MAIN_REMITTENT_CLOSED = 10
FIXED_LENGTH_DAYS = {
    "JOBBSOK-GRUPP": 42,
    "JOBBSPAR-BARN": 112,
    "JOBBSPAR-VARD": 112,
    "JOBBSPAR-BYGG": 112,
    "KURS-DIGITAL": 56,
    "VALIDERING-BARN": 90,
    "KOMPETENSKARTLAGGNING": 30,
    "FERIE": 21,
    "EXTRATJANST": 365,
    "UNGDOMSJOBB": 183,
    "OSA": 365,
}
BATCH = 2000


def as_entered(person: Person) -> dict:
    """The person as the sender entered them on the referral (`Referral.referred_*`), as the
    referral service keeps it: the demo's senders typed the person's details correctly."""
    return {
        "referred_personnummer": person.personnummer,
        "referred_first_name": person.first_name,
        "referred_last_name": person.last_name,
        "referred_birth_date": person.birth_date,
    }


def aware(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@contextmanager
def historic_timestamps(*fields: models.Field) -> Iterator[None]:
    """Let bulk_create keep the `created_at` values we give (the demo's history) instead of
    stamping every row with the moment the command ran."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _ in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def count_weekdays(first: dt.date, last: dt.date) -> int:
    """Monday–Friday days from `first` to `last` inclusive, without walking the range."""
    if last < first:
        return 0
    days = (last - first).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    start = first.weekday()
    count += sum(1 for i in range(rest) if (start + i) % 7 < 5)
    return count


class CaseWriter:
    def __init__(
        self,
        rng: DemoRandom,
        today: dt.date,
        staff: Staff,
        units: dict[str, Unit],
        measures: dict[str, Measure],
        tags: dict,
        outcome_groups: dict[str, str],
        attendance_weeks: int,
    ) -> None:
        self.rng = rng
        self.today = today
        self.staff = staff
        self.units = units
        self.measures = measures
        self.tags = tags
        self.outcome_groups = outcome_groups
        self.window_start = today - dt.timedelta(weeks=attendance_weeks)
        self.instrument_combos = _instrument_combos(rng)

    # -- coaches -----------------------------------------------------------------------------
    def assign_coaches(self, specs: list[EnrolmentSpec], persons: list[Person]) -> None:
        """Open enrolments are shared evenly within a unit (as the allocation routine says);
        persons with protected identity go to the coach who may see them."""
        next_coach: dict[str, int] = defaultdict(int)
        for spec in specs:
            coaches = self.staff.coaches[spec.unit]
            if persons[spec.person_index].protected_identity:
                spec.coach = self.staff.trusted_coach[spec.unit]
            elif spec.is_open:
                spec.coach = coaches[next_coach[spec.unit] % len(coaches)]
                next_coach[spec.unit] += 1
            else:
                spec.coach = self.rng.pick(coaches)

    # -- referrals ---------------------------------------------------------------------------
    def write_referrals(
        self, specs: list[EnrolmentSpec], persons: list[Person], waiting: list[int]
    ) -> list[Referral]:
        referrals = []
        wanted: list[tuple[Referral, list[str]]] = []
        main = self._main_remittent_specs(specs)
        for spec in specs:
            if spec.start < REFERRALS_FROM or spec.referral_date is None:
                continue
            if spec.number not in main and not self.rng.chance(0.85):
                continue
            referral = self._allocated_referral(
                spec, persons[spec.person_index], spec.number in main
            )
            spec.extra["referral"] = referral
            referrals.append(referral)
            wanted.append((referral, self._wanted_tags(spec, persons[spec.person_index])))
        for position, index in enumerate(waiting):
            referral = self._waiting_referral(position, persons[index])
            referrals.append(referral)
            wanted.append((referral, self._wanted_tags(None, persons[index])))
        with historic_timestamps(Referral._meta.get_field("created_at")):
            Referral.objects.bulk_create(referrals, batch_size=BATCH)
        through = Referral.wanted_tags.through
        through.objects.bulk_create(
            [
                through(referral_id=r.pk, tag_id=self.tags[name].pk)
                for r, names in wanted
                for name in names
            ],
            batch_size=BATCH,
        )
        return referrals

    def _main_remittent_specs(self, specs: list[EnrolmentSpec]) -> set[int]:
        """A handful of the AME's recent EKB enrolments come from the printed `remittent`
        account, so that the referrer's page shows both ongoing and closed referrals."""
        candidates = [
            s
            for s in specs
            if s.source == "EKB"
            and s.unit == "AME"
            and s.referral_date is not None
            and s.start >= REFERRALS_FROM
        ]
        candidates.sort(key=lambda s: (s.start, s.number), reverse=True)
        open_ = [s.number for s in candidates if s.is_open][:MAIN_REMITTENT_OPEN]
        closed = [s.number for s in candidates if not s.is_open][:MAIN_REMITTENT_CLOSED]
        return set(open_ + closed)

    def _sender(self, source: str, main: bool):
        if main:
            return self.staff.remittents["EKB"]
        if source == "EKB":
            return self.rng.pick(self.staff.ekb_pool)
        return self.staff.remittents.get(source)

    def _allocated_referral(self, spec: EnrolmentSpec, person: Person, main: bool) -> Referral:
        rng = self.rng
        suggested = spec.coach
        override = ""
        if rng.chance(0.1) and len(self.staff.coaches[spec.unit]) > 1:
            suggested = rng.pick([c for c in self.staff.coaches[spec.unit] if c != spec.coach])
            override = rng.pick(data.OVERRIDE_REASONS)
        return Referral(
            **as_entered(person),
            unit=self.units[spec.unit],
            person=person,
            sender=self._sender(spec.source, main),
            referral_source_id=spec.source,
            income_source_id=spec.income,
            reason=rng.pick(data.REFERRAL_REASONS.get(spec.source, data.REFERRAL_REASONS["_"])),
            attachments_description=rng.pick(data.ATTACHMENTS) if rng.chance(0.4) else "",
            received_date=spec.referral_date,
            status=Referral.Status.ALLOCATED,
            allocated_to=spec.coach,
            allocated_by=self.staff.samordnare[spec.unit],
            allocated_at=aware(spec.start, 10),
            suggested_coach=suggested,
            override_reason=override,
            created_at=aware(spec.referral_date, 8, 30),
        )

    def _waiting_referral(self, position: int, person: Person) -> Referral:
        """Referrals in the queue: most from `remittent` to the AME, two from Arbetsförmedlingen
        to the jobbtorg, and one the AME turned away."""
        rng = self.rng
        if position in (5, 6):
            unit, source, status = "JOBBTORG", "AF", Referral.Status.SENT
        else:
            unit, source = "AME", "EKB"
            status = Referral.Status.REJECTED if position == 7 else Referral.Status.SENT
        received = self.today - dt.timedelta(days=rng.randint(1, 12) if position < 7 else 40)
        return Referral(
            **as_entered(person),
            unit=self.units[unit],
            person=person,
            sender=self.staff.remittents[source],
            referral_source_id=source,
            income_source_id=rng.weighted(data.INCOME_BY_SOURCE[source]),
            reason=rng.pick(data.REFERRAL_REASONS[source]),
            attachments_description=rng.pick(data.ATTACHMENTS) if rng.chance(0.5) else "",
            received_date=received,
            status=status,
            created_at=aware(received, 11),
        )

    def _wanted_tags(self, spec: EnrolmentSpec | None, person: Person) -> list[str]:
        names = []
        if person.language in data.LANGUAGE_TAGS and (person.newly_arrived or self.rng.chance(0.4)):
            names.append(person.language)
        if spec is not None and spec.age < 25:
            names.append("unga vuxna")
        if spec is not None and spec.need == "AM3" and self.rng.chance(0.15):
            names.append("NPF")
        if spec is not None and spec.source == "AF" and self.rng.chance(0.3):
            names.append("extratjänst")
        return names

    # -- enrolments --------------------------------------------------------------------------
    def write_enrolments(
        self, specs: list[EnrolmentSpec], persons: list[Person]
    ) -> list[Enrolment]:
        rows = []
        for spec in specs:
            outcome = self.outcome_groups.get(spec.closure or "")
            note = ""
            if spec.closure == "OVRIGT":
                note = data.OVRIGT_CLOSURE_NOTE
            elif outcome and self.rng.chance(0.5):
                note = data.CLOSURE_NOTES[outcome]
            rows.append(
                Enrolment(
                    external_id=f"DEMO-E{spec.number:06d}",
                    person=persons[spec.person_index],
                    unit=self.units[spec.unit],
                    coach=spec.coach,
                    referral=spec.extra.get("referral"),
                    referral_source_id=spec.source,
                    referral_date=spec.referral_date,
                    start_date=spec.start,
                    income_at_start_id=spec.income,
                    need_category=spec.need,
                    plan_date=spec.plan_date,
                    end_date=spec.end,
                    closure_reason_id=spec.closure,
                    closure_note=note,
                    created_at=aware(spec.start, 8),
                )
            )
        with historic_timestamps(Enrolment._meta.get_field("created_at")):
            Enrolment.objects.bulk_create(rows, batch_size=BATCH)
        return rows

    def write_casework(
        self, specs: list[EnrolmentSpec], enrolments: list[Enrolment], persons: list[Person]
    ) -> None:
        rows: dict[type, list] = defaultdict(list)
        plans: list[tuple[ActionPlan, list, list]] = []
        placements: list[tuple[Placement, list[dict]]] = []
        for spec, enrolment in zip(specs, enrolments, strict=True):
            coach = spec.coach or self.staff.coaches[spec.unit][0]
            self._assessment(spec, enrolment, coach, rows)
            self._meetings(spec, enrolment, coach, rows)
            self._notes(spec, enrolment, coach, rows)
            if spec.is_open and spec.plan_date:
                plans.append(self._plan(spec, enrolment, coach))
            for placement in self._placements(spec, enrolment, persons[spec.person_index]):
                placements.append((placement, self._attendance(spec, placement)))
            if not spec.is_open:
                rows[Followup].extend(self._followups(spec, enrolment))
        # Rows of these tables are plain dicts for insert_rows; the rest are model instances.
        self._reopenings(specs, enrolments, rows)
        self._save(rows, plans, placements)

    def _save(self, rows, plans, placements) -> None:
        assessments = rows.pop("assessments", [])
        Assessment.objects.bulk_create([a for a, _ in assessments], batch_size=BATCH)
        insert_rows(
            Answer,
            (
                {"assessment_id": a.pk, "question_id": q, "option_id": o}
                for a, answers in assessments
                for q, o in answers
            ),
        )
        for model in (ThreePartyMeeting, CaseNote, Followup):
            insert_rows(model, rows.pop(model, []))
        with historic_timestamps(Reopening._meta.get_field("reopened_at")):
            for model, objs in rows.items():
                model.objects.bulk_create(objs, batch_size=BATCH)
        ActionPlan.objects.bulk_create([p for p, _, _ in plans], batch_size=BATCH)
        top_goals = [goal for _, goals, _ in plans for goal, _subs in goals]
        Goal.objects.bulk_create(top_goals, batch_size=BATCH)
        for _, goals, _ in plans:
            for goal, subs in goals:
                for sub in subs:
                    sub.parent = goal
        Goal.objects.bulk_create(
            [sub for _, goals, _ in plans for _goal, subs in goals for sub in subs],
            batch_size=BATCH,
        )
        PlanFollowup.objects.bulk_create(
            [f for _, _, followups in plans for f in followups], batch_size=BATCH
        )
        Placement.objects.bulk_create([p for p, _ in placements], batch_size=BATCH)
        insert_rows(
            Attendance,
            (
                {"placement_id": placement.pk, **row}
                for placement, attendance in placements
                for row in attendance
            ),
        )

    # -- kartläggning ------------------------------------------------------------------------
    def _assessment(self, spec, enrolment, coach, rows) -> None:
        combos = self.instrument_combos
        if combos is None or not spec.need or not combos[1].get(spec.need):
            return
        instrument, by_need = combos
        performed = spec.start + dt.timedelta(days=self.rng.randint(5, 35))
        if performed > spec.last_day(self.today):
            performed = spec.start
        answers, total = self.rng.pick(by_need[spec.need])
        assessment = Assessment(
            enrolment=enrolment,
            instrument=instrument,
            performed_by=coach,
            performed_on=performed,
            total_score=total,
            need_category=spec.need,
        )
        rows["assessments"].append((assessment, answers))

    # -- trepartssamtal and journal ----------------------------------------------------------
    def _meetings(self, spec, enrolment, coach, rows) -> None:
        rng = self.rng
        last = spec.last_day(self.today)
        if not rng.chance(0.75):
            return
        dates = [spec.start + dt.timedelta(days=rng.randint(3, 20))]
        if rng.chance(0.25):
            dates.append(rng.date_between(dates[0] + dt.timedelta(days=30), last))
        participants = data.MEETING_PARTICIPANTS.get(spec.source, data.MEETING_PARTICIPANTS["_"])
        for day in dates:
            if day <= last:
                rows[ThreePartyMeeting].append(
                    {
                        "enrolment_id": enrolment.pk,
                        "date": day,
                        "participants": participants,
                        "notes": rng.pick(data.MEETING_NOTES),
                        "created_by_id": coach.pk,
                    }
                )

    def _notes(self, spec, enrolment, coach, rows) -> None:
        rng = self.rng
        last = spec.last_day(self.today)
        notes = [(spec.start, rng.pick(data.INTAKE_NOTES))]
        progress = rng.randint(2, 6) if spec.is_open else rng.randint(0, 2)
        for day in sorted(rng.date_between(spec.start, last) for _ in range(progress)):
            notes.append((day, rng.pick(data.PROGRESS_NOTES)))
        if spec.end:
            outcome = self.outcome_groups.get(spec.closure, "ovrigt")
            notes.append((spec.end, data.CLOSURE_NOTES[outcome]))
        for day, text in notes:
            rows[CaseNote].append(
                {
                    "enrolment_id": enrolment.pk,
                    "author_id": coach.pk,
                    "text": text,
                    "created_at": aware(day, rng.randint(8, 16), rng.randint(0, 59)),
                }
            )

    # -- genomförandeplan --------------------------------------------------------------------
    def _plan(self, spec, enrolment, coach):
        """The plan of an open enrolment, followed up every three months; about a third of
        the plans have missed their latest follow-up and show as overdue."""
        rng, today = self.rng, self.today
        established = spec.plan_date
        due = []
        k = 1
        while add_months(established, 3 * k) <= today:
            due.append(add_months(established, 3 * k) + dt.timedelta(days=rng.randint(-10, 5)))
            k += 1
        held = [d for d in due if d <= today]
        if held and rng.chance(0.3):
            held.pop()
        last = held[-1] if held else established
        plan = ActionPlan(
            enrolment=enrolment,
            established_on=established,
            summary=rng.pick(data.PLAN_SUMMARIES),
            next_followup_on=add_months(last, 3),
            shared_with_referrer=rng.chance(0.9),
            updated_by=coach,
        )
        goals = []
        for order, (text, subtexts) in enumerate(rng.sample(data.GOALS, rng.randint(2, 3))):
            due_on = add_months(established, rng.randint(2, 9))
            goal = Goal(
                plan=plan,
                text=text,
                responsible=rng.pick(["Deltagaren", "Konsulent"]),
                due_on=due_on,
                achieved=due_on < today and rng.chance(0.6),
                order=order,
            )
            subs = []
            for sub_order, subtext in enumerate(subtexts[: rng.randint(1, 2)]):
                sub_due = min(due_on, add_months(established, sub_order + 1))
                subs.append(
                    Goal(
                        plan=plan,
                        text=subtext,
                        responsible="Deltagaren",
                        due_on=sub_due,
                        achieved=sub_due < today and rng.chance(0.7),
                        order=sub_order,
                    )
                )
            goals.append((goal, subs))
        followups = [
            PlanFollowup(plan=plan, held_on=day, note=rng.pick(data.PLAN_FOLLOWUP_NOTES), by=coach)
            for day in held
        ]
        return plan, goals, followups

    # -- insatser och närvaro ----------------------------------------------------------------
    def _measure_weights(self, spec: EnrolmentSpec, person: Person) -> dict[str, float]:
        if spec.unit == "UNG":
            weights = dict(data.YOUTH_MEASURES)
        else:
            weights = dict(data.MEASURE_WEIGHTS_BY_NEED[spec.need])
        if person.newly_arrived or spec.source == "ETABLERING":
            for code, weight in data.NEWLY_ARRIVED_MEASURES.items():
                weights[code] = weights.get(code, 0) + weight
        if spec.source == "AF":
            weights["EXTRATJANST"] = weights.get("EXTRATJANST", 0) + 10
        return {code: w for code, w in weights.items() if code in self.measures}

    def _placements(self, spec, enrolment, person) -> list[Placement]:
        """One main measure, often jobbcoachning alongside it, sometimes a second measure after
        the first; every placement lies within the enrolment."""
        rng = self.rng
        last = spec.last_day(self.today)
        if (last - spec.start).days < 10 or rng.chance(0.08):
            return []
        weights = self._measure_weights(spec, person)
        if not weights:
            return []
        main_code = rng.weighted(weights)
        result = []
        main = self._placement(
            spec, enrolment, main_code, spec.start + dt.timedelta(days=rng.randint(3, 21))
        )
        if main is None:
            return []
        result.append(main)
        if main_code != "JOBBCOACH" and "JOBBCOACH" in self.measures and rng.chance(0.35):
            parallel = self._placement(
                spec,
                enrolment,
                "JOBBCOACH",
                main.start_date + dt.timedelta(days=rng.randint(0, 14)),
            )
            if parallel:
                result.append(parallel)
        if main.end_date and rng.chance(0.3):
            follow_code = rng.weighted(weights)
            after = self._placement(
                spec, enrolment, follow_code, main.end_date + dt.timedelta(days=rng.randint(1, 14))
            )
            if after:
                result.append(after)
        return result

    def _placement(self, spec, enrolment, code: str, start: dt.date) -> Placement | None:
        rng, today = self.rng, self.today
        last = spec.last_day(today)
        if start > last:
            return None
        remaining = (last - start).days
        length = FIXED_LENGTH_DAYS.get(code) or max(7, round(remaining * rng.uniform(0.5, 0.95)))
        end: dt.date | None = start + dt.timedelta(days=length)
        if spec.end and end > spec.end:
            end = spec.end
        elif not spec.end and end >= today:
            end = None
        measure = self.measures[code]
        hours_per_day = (
            8
            if measure.category_id == "ANSTALLNING"
            else {"AM1": 8, "AM2": 6, "AM3": 4}.get(spec.need, 6)
        )
        days_per_week = 3 if spec.need == "AM3" and rng.chance(0.4) else 5
        placement = Placement(
            external_id=f"DEMO-PL{spec.number:06d}-{start:%Y%m%d}-{code}",
            enrolment=enrolment,
            measure=measure,
            start_date=start,
            end_date=end,
            cost_sek=self._cost(measure, start, end or today),
            workplace=rng.pick(
                data.WORKPLACES.get(code, [measure.provider.name if measure.provider else ""])
            ),
            supervisor=f"{rng.pick(data.SWEDISH_FEMALE + data.SWEDISH_MALE)} "
            f"{rng.pick(data.SWEDISH_LAST)}",
        )
        placement.demo_schedule = (hours_per_day, days_per_week, spec.need == "AM3")
        # Hours before the attendance window are known only as a total (as after an import).
        before = min(end or today, self.window_start - dt.timedelta(days=1))
        worked_days = count_weekdays(start, before) * days_per_week / 5
        if worked_days > 0:
            rate = rng.uniform(0.78, 0.95)
            placement.reported_hours = Decimal(
                round(worked_days * hours_per_day * rate, 1)
            ).quantize(Decimal("0.01"))
        return placement

    @staticmethod
    def _cost(measure: Measure, start: dt.date, end: dt.date) -> Decimal | None:
        if measure.unit_cost_sek is None:
            return None
        months = Decimal((end - start).days + 1) / Decimal("30.44")
        return (months * Decimal(measure.unit_cost_sek)).quantize(Decimal("0.01"))

    def _attendance(self, spec, placement: Placement) -> list[dict]:
        """Närvaro for the last weeks: scheduled hours each weekday, some absences."""
        rng = self.rng
        first = max(placement.start_date, self.window_start)
        last = min(placement.end_date or self.today, self.today - dt.timedelta(days=1))
        if last < first:
            return []
        hours_per_day, days_per_week, extra_support = placement.demo_schedule
        absence = 0.15 if extra_support else 0.09
        rows = []
        for day in weekdays(first, last):
            if days_per_week == 3 and day.weekday() in (2, 4):
                continue
            if rng.chance(absence):
                reason = rng.weighted(data.ABSENCE_WEIGHTS)
                rows.append({"date": day, "hours": Decimal(0), "absence_reason": reason})
            else:
                rows.append({"date": day, "hours": Decimal(hours_per_day), "absence_reason": ""})
        return rows

    # -- efteruppföljning --------------------------------------------------------------------
    def _followups(self, spec, enrolment) -> list[dict]:
        """Status 3, 6 and 12 months after closure; how many are back on försörjningsstöd
        depends on the closure's year (as Ystad's 82/88/92 %) and its outcome."""
        rng = self.rng
        outcome = self.outcome_groups.get(spec.closure, "ovrigt")
        fs_share = data.FS_SHARE_BY_YEAR.get(spec.end.year, data.FS_SHARE_LATER)
        fs_share *= data.FS_FACTOR_BY_OUTCOME.get(outcome, 1.0)
        status = None
        result = []
        for months in (3, 6, 12):
            due = add_months(spec.end, months)
            if due > self.today or not rng.chance(data.FOLLOWUP_COVERAGE[months]):
                continue
            if status is None or not rng.chance(0.75):
                status = (
                    "FORSORJNINGSSTOD"
                    if rng.chance(fs_share)
                    else rng.weighted(data.FOLLOWUP_BY_OUTCOME[outcome])
                )
            day = min(due + dt.timedelta(days=rng.randint(0, 20)), self.today)
            result.append(
                {
                    "enrolment_id": enrolment.pk,
                    "months_after": months,
                    "status_id": status,
                    "followup_date": day,
                }
            )
        return result

    def _reopenings(self, specs, enrolments, rows) -> None:
        """Two open enrolments at the AME that an enhetschef reopened, with the reason."""
        candidates = [
            (spec, enrolment)
            for spec, enrolment in zip(specs, enrolments, strict=True)
            if spec.is_open and spec.unit == "AME" and (self.today - spec.start).days > 60
        ]
        pairs = zip(candidates[:2], data.REOPEN_REASONS, strict=False)
        for (spec, enrolment), (reason, previous_reason) in pairs:
            previous_end = spec.start + dt.timedelta(days=40)
            rows[Reopening].append(
                Reopening(
                    enrolment=enrolment,
                    reopened_by=self.staff.enhetschef["AME"],
                    reason=reason,
                    reopened_at=aware(previous_end + dt.timedelta(days=5), 13),
                    previous_end_date=previous_end,
                    previous_closure_reason_id=previous_reason,
                )
            )


def _instrument_combos(rng: DemoRandom):
    """Answer combinations of the active kartläggning instrument, grouped by the need category
    their total falls in, or None when no usable instrument has been configured."""
    for instrument in Instrument.objects.filter(active=True).order_by("pk"):
        questions = list(instrument.questions.prefetch_related("options").order_by("order", "pk"))
        bands = list(instrument.bands.order_by("min_score"))
        options = [list(q.options.all()) for q in questions]
        if not questions or not bands or any(not o for o in options):
            continue
        by_need: dict[str, list] = defaultdict(list)
        candidates = [
            [min(o, key=lambda x: x.score) for o in options],
            [max(o, key=lambda x: x.score) for o in options],
        ]
        candidates += [[rng.pick(o) for o in options] for _ in range(3000)]
        for choice in candidates:
            total = sum(option.score for option in choice)
            band = next((b for b in bands if b.min_score <= total <= b.max_score), None)
            if band is not None:
                answers = [(q.pk, option.pk) for q, option in zip(questions, choice, strict=True)]
                by_need[band.need_category].append((answers, total))
        if by_need:
            return instrument, by_need
    return None
