"""Demokommunen: filling an empty database with a realistic demo municipality.

`create_demo` is the one entry point (the `insats demo` command calls it). The same seed and
the same `today` always give the same municipality.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from insats.accounts.models import Tag, User
from insats.assessments.models import Answer, Assessment
from insats.codes.models import (
    ClosureReason,
    FollowupStatus,
    IncomeSource,
    ReferralSource,
    YouthStatus,
)
from insats.enrolments.models import CaseNote, Enrolment, Followup, Reopening, ThreePartyMeeting
from insats.goals.services import create_example_goals
from insats.measures.models import Attendance, Measure, Placement, Provider
from insats.organisation.models import Board, Unit
from insats.persons.models import Person
from insats.plans.models import ActionPlan, Goal, PlanFollowup
from insats.referrals.models import Referral
from insats.surveys.services import create_demo_responses
from insats.youth.models import YouthApplication

from . import data, structure
from .bulk import insert_rows
from .casework import CaseWriter, aware, historic_timestamps
from .goals import fill_current_year as fill_current_year_goals
from .rand import DemoRandom
from .timeline import Planner
from .youth import build_applications

DEFAULT_PERSONS = 1200
DEFAULT_SEED = 2026
MIN_PERSONS = 20
MAX_PERSONS = 1_000_000
WAITING_REFERRALS = 8
ATTENDANCE_WEEKS = 8


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit: str
    # False when the account existed before and its password was left as it was.
    demo_password: bool = True


@dataclass(frozen=True)
class DemoResult:
    accounts: list[DemoAccount]
    counts: list[tuple[str, int]]
    seconds: float


COUNTED_MODELS: list[type[Model]] = [
    Unit,
    User,
    Tag,
    Provider,
    Measure,
    Person,
    Referral,
    Enrolment,
    Assessment,
    Answer,
    ThreePartyMeeting,
    CaseNote,
    ActionPlan,
    Goal,
    PlanFollowup,
    Placement,
    Attendance,
    Followup,
    Reopening,
    YouthApplication,
]


def has_case_data() -> bool:
    """Whether the database already holds case data: enrolments (inskrivningar), persons,
    referrals or summer-job applications. The demo never mixes with real or earlier data."""
    return any(model.objects.exists() for model in (Enrolment, Person, Referral, YouthApplication))


def table_counts() -> list[tuple[str, int]]:
    """Rows per table, labelled with the model's Swedish plural name."""
    labels = {Answer: _("Svar i kartläggningar")}
    return [
        (
            str(labels.get(model, model._meta.verbose_name_plural)).capitalize(),
            model.objects.count(),
        )
        for model in COUNTED_MODELS
    ]


def demo_accounts(existing_before: set[str] | None = None) -> list[DemoAccount]:
    """The printed demo accounts (one per role) that exist in the database."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[a[0] for a in data.MAIN_ACCOUNTS]
        ).select_related("unit")
    }
    accounts = []
    for username, _role, *_rest in data.MAIN_ACCOUNTS:
        user = users.get(username)
        if user is None:
            continue
        accounts.append(
            DemoAccount(
                username=username,
                role=str(user.get_role_display()),
                unit=user.unit.name if user.unit else "–",
                demo_password=existing_before is None or username not in existing_before,
            )
        )
    return accounts


def _validate(persons: int) -> None:
    if not MIN_PERSONS <= persons <= MAX_PERSONS:
        raise ValidationError(
            {
                "persons": _("Antalet personer måste vara mellan %(min)d och %(max)d.")
                % {"min": MIN_PERSONS, "max": MAX_PERSONS}
            }
        )
    if has_case_data():
        raise ValidationError(
            _(
                "Databasen innehåller redan ärendedata (personer, remisser, inskrivningar eller "
                "feriejobbsansökningar). Demokommunen skapas bara i en tom databas (använd "
                "--reset för att först ta bort ärendedata)."
            )
        )
    needed = {
        ClosureReason: set(data.CLOSURE_WEIGHTS),
        ReferralSource: {s for w in data.REFERRAL_SOURCE_WEIGHTS.values() for s in w},
        IncomeSource: {i for w in data.INCOME_BY_SOURCE.values() for i in w},
        FollowupStatus: {"FORSORJNINGSSTOD"}
        | {s for w in data.FOLLOWUP_BY_OUTCOME.values() for s in w},
        YouthStatus: {
            "OGILTIG",
            "ANSOKT",
            "ERBJUDEN",
            "TACKAT_NEJ",
            "TACKAT_JA",
            "BORJAT",
            "GENOMFORT",
            "AVBROTT",
        },
    }
    for model, codes in needed.items():
        missing = codes - set(model.objects.values_list("code", flat=True))
        if missing:
            raise ValidationError(
                _("Kodlistan %(list)s saknar koderna %(codes)s. Kör `insats migrate` först.")
                % {"list": model._meta.verbose_name_plural, "codes": ", ".join(sorted(missing))}
            )


SURVEYED_CLOSURES = 300


@transaction.atomic
def create_demo(
    *, persons: int = DEFAULT_PERSONS, seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> DemoResult:
    """Skapa demokommunen: organisation, personal, insatskatalog, personer med inskrivningar
    2019–idag och feriepraktik. Refuses (ValidationError) when enrolments already exist."""
    started = time.monotonic()
    _validate(persons)
    today = today or dt.date.today()
    rng = DemoRandom(seed)
    scale = persons / DEFAULT_PERSONS
    outcome_groups = dict(ClosureReason.objects.values_list("code", "outcome_group"))

    municipality, units = structure.create_organisation()
    tags = structure.create_tags()
    plan = Planner(rng, today, outcome_groups, municipality.code).plan(
        persons, min(WAITING_REFERRALS, persons // 10)
    )
    open_per_unit: dict[str, int] = {}
    for spec in plan.enrolments:
        if spec.is_open:
            open_per_unit[spec.unit] = open_per_unit.get(spec.unit, 0) + 1
    ekb_recent = sum(1 for s in plan.enrolments if s.source == "EKB" and s.start.year >= 2023)
    staff = structure.create_staff(rng, units, tags, open_per_unit, ekb_recent)
    measures = structure.create_catalogue(units, scale)

    _save_persons(plan.persons, plan.enrolments, today)
    weeks = max(2, min(ATTENDANCE_WEEKS, round(ATTENDANCE_WEEKS / max(scale, 1))))
    writer = CaseWriter(rng, today, staff, units, measures, tags, outcome_groups, weeks)
    writer.assign_coaches(plan.enrolments, plan.persons)
    writer.write_referrals(plan.enrolments, plan.persons, plan.waiting)
    enrolments = writer.write_enrolments(plan.enrolments, plan.persons)
    writer.write_casework(plan.enrolments, enrolments, plan.persons)
    insert_rows(YouthApplication, build_applications(rng, today, scale, municipality.pk))
    # Participant voice: surveys offered at the most recent closures and partly answered,
    # through the surveys app's own services so that anonymity holds as in real use.
    create_demo_responses(seed, limit=SURVEYED_CLOSURES)
    # Mål och måluppfyllelse: the board's example goals with targets for the last three years.
    board = Board.objects.get(municipality=municipality, name=data.BOARD_NAME)
    create_example_goals(board, range(today.year - 2, today.year + 1), today)
    # The current year's forecasts and analyses, from the demo's own outcomes so far.
    fill_current_year_goals(board, today)
    return DemoResult(
        accounts=demo_accounts(staff.existing),
        counts=table_counts(),
        seconds=time.monotonic() - started,
    )


def _save_persons(persons: list[Person], specs, today: dt.date) -> None:
    """Persons are registered when their first referral arrived."""
    first_seen: dict[int, dt.date] = {}
    for spec in specs:
        day = spec.referral_date or spec.start
        if spec.person_index not in first_seen or day < first_seen[spec.person_index]:
            first_seen[spec.person_index] = day
    for index, person in enumerate(persons):
        day = first_seen.get(index) or today - dt.timedelta(days=14)
        person.created_at = aware(day, 8)
    with historic_timestamps(Person._meta.get_field("created_at")):
        Person.objects.bulk_create(persons, batch_size=2000)


@transaction.atomic
def reset_case_data() -> None:
    """Ta bort all ärendedata (personer, remisser, inskrivningar med allt innehåll och
    feriejobbsansökningar) så att demokommunen kan skapas på nytt. Organisation, personal och
    insatskatalog behålls och återanvänds."""
    try:
        for model in (
            Attendance,
            Placement,
            Answer,
            Assessment,
            Followup,
            CaseNote,
            ThreePartyMeeting,
            Reopening,
            PlanFollowup,
            Goal,
            ActionPlan,
        ):
            model.objects.all().delete()
        Enrolment.objects.all().delete()
        Referral.objects.all().delete()
        Person.objects.all().delete()
        YouthApplication.objects.all().delete()
    except (ProtectedError, RestrictedError) as exc:
        blocking = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        names = ", ".join(sorted({str(o._meta.verbose_name_plural) for o in blocking}))
        raise ValidationError(
            _(
                "Ärendedata kunde inte tas bort eftersom andra uppgifter hänvisar till dem: "
                "%(objects)s."
            )
            % {"objects": names}
        ) from exc
