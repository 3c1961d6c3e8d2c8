"""Business rules for the genomförandeplan (action plan): deadlines, establishing, editing with
optimistic locking, goals and sub-goals, follow-ups, and which plans are due.

The national quality indicator: a plan is established within three calendar months of the
enrolment's start and followed up at least every three months after that.

Optimistic locking (docs/ARCHITECTURE.md): the plan and each goal carry `version`; edits of
the plan header, of a goal or sub-goal (text, due date, achieved) and recording a plan
follow-up take the version the user read and are refused, saying who changed it and when, if
someone else saved in between.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from insats.accounts.models import User
from insats.core.dates import AddMonths, add_months
from insats.enrolments.models import Enrolment

from .models import ActionPlan, Goal, PlanFollowup

PLAN_INTERVAL_MONTHS = 3
DUE_SOON_DAYS = 14


class PlanStatus:
    """Status of an enrolment's next plan deadline, as annotated by `plans_due`."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OK = "ok"


def first_plan_deadline(start_date: dt.date) -> dt.date:
    """Last day on which the first genomförandeplan counts as made in time."""
    return add_months(start_date, PLAN_INTERVAL_MONTHS)


def next_followup_deadline(held_on: dt.date) -> dt.date:
    """Latest date of the next planuppföljning after one held (or a plan set) on `held_on`."""
    return add_months(held_on, PLAN_INTERVAL_MONTHS)


def _check_followup_date(base: dt.date, next_followup_on: dt.date) -> None:
    latest = next_followup_deadline(base)
    if next_followup_on < base:
        raise ValidationError(
            {"next_followup_on": _("Nästa uppföljning kan inte vara före %(date)s.")
             % {"date": base.isoformat()}}
        )
    if next_followup_on > latest:
        raise ValidationError(
            {"next_followup_on": _(
                "Planen ska följas upp minst var tredje månad: nästa uppföljning senast %(date)s."
            ) % {"date": latest.isoformat()}}
        )


def _check_established_on(enrolment: Enrolment, established_on: dt.date) -> None:
    if established_on < enrolment.start_date:
        message = _("Planen kan inte fastställas före inskrivningens startdatum %(date)s.")
        raise ValidationError({"established_on": message % {"date": enrolment.start_date}})
    if enrolment.end_date and established_on > enrolment.end_date:
        message = _("Planen kan inte fastställas efter inskrivningens slutdatum %(date)s.")
        raise ValidationError({"established_on": message % {"date": enrolment.end_date}})
    if established_on > timezone.localdate():
        message = _("Fastställandedatum kan inte ligga i framtiden.")
        raise ValidationError({"established_on": message})


@transaction.atomic
def establish_plan(
    enrolment: Enrolment,
    *,
    established_on: dt.date,
    summary: str,
    by: User,
    next_followup_on: dt.date | None = None,
    shared_with_referrer: bool = True,
) -> ActionPlan:
    """Fastställ genomförandeplan: create the enrolment's plan and, the first time, record its
    date on the enrolment (`plan_date`), which the indicator plan_inom_3_man reads."""
    if not enrolment.is_open:
        message = _("Inskrivningen är avslutad; en ny plan kan inte upprättas.")
        raise ValidationError({NON_FIELD_ERRORS: message})
    if ActionPlan.objects.filter(enrolment=enrolment).exists():
        raise ValidationError({NON_FIELD_ERRORS: _("Inskrivningen har redan en genomförandeplan.")})
    _check_established_on(enrolment, established_on)
    if next_followup_on is None:
        next_followup_on = next_followup_deadline(established_on)
    _check_followup_date(established_on, next_followup_on)
    plan = ActionPlan.objects.create(
        enrolment=enrolment,
        established_on=established_on,
        summary=summary.strip(),
        next_followup_on=next_followup_on,
        shared_with_referrer=shared_with_referrer,
        updated_by=by,
    )
    # The Enrolment model belongs to the enrolments app: touch only plan_date, and only when it
    # is still empty (an imported plan_date is the real first plan and must be kept).
    # Its version is bumped so an enrolment form opened before this is not saved over it.
    Enrolment.objects.filter(pk=enrolment.pk, plan_date__isnull=True).update(
        plan_date=established_on, version=F("version") + 1
    )
    enrolment.refresh_from_db(fields=["plan_date", "version"])
    return plan


def _followup_base(plan: ActionPlan, established_on: dt.date) -> dt.date:
    last = plan.followups.order_by("-held_on").values_list("held_on", flat=True).first()
    return max(last, established_on) if last else established_on


def _who_and_when(model, pk: int) -> dict[str, str]:
    """Who last saved the row and when, for a "changed since you opened it" message."""
    current = model.objects.select_related("updated_by").get(pk=pk)
    return {
        "user": str(current.updated_by) if current.updated_by else _("någon annan"),
        "time": formats.date_format(timezone.localtime(current.updated_at), "Y-m-d H:i"),
    }


def conflict_message(plan_pk: int) -> str:
    """The message shown when someone else saved the plan after it was opened."""
    return _(
        "Planen har ändrats av %(user)s %(time)s sedan du öppnade den. "
        "Ladda om sidan och gör om ändringen."
    ) % _who_and_when(ActionPlan, plan_pk)


@transaction.atomic
def update_plan(
    plan: ActionPlan,
    expected_version: int,
    *,
    established_on: dt.date,
    summary: str,
    next_followup_on: dt.date,
    shared_with_referrer: bool,
    by: User,
) -> ActionPlan:
    """Ändra genomförandeplan, refusing the save if the plan changed since `expected_version`
    was read (optimistic locking), so two editors never silently overwrite each other."""
    enrolment = plan.enrolment
    previous_established_on = plan.established_on
    _check_established_on(enrolment, established_on)
    _check_followup_date(_followup_base(plan, established_on), next_followup_on)
    updated = ActionPlan.objects.filter(pk=plan.pk, version=expected_version).update(
        version=F("version") + 1,
        established_on=established_on,
        summary=summary.strip(),
        next_followup_on=next_followup_on,
        shared_with_referrer=shared_with_referrer,
        updated_by=by,
        updated_at=timezone.now(),
    )
    if updated == 0:
        raise ValidationError({NON_FIELD_ERRORS: conflict_message(plan.pk)})
    # Keep the enrolment's first-plan date in step when the plan's date is corrected: it
    # follows this plan if it came from it, and never stays later than the plan's date.
    Enrolment.objects.filter(
        Q(plan_date=previous_established_on) | Q(plan_date__gt=established_on), pk=enrolment.pk
    ).update(plan_date=established_on, version=F("version") + 1)
    plan.refresh_from_db()
    return plan


def goal_conflict_message(goal_pk: int) -> str:
    """The message shown when someone else saved the goal after it was opened."""
    return _(
        "Målet har ändrats av %(user)s %(time)s sedan du öppnade det. Ingenting har sparats. "
        "Ladda om sidan och gör om ändringen."
    ) % _who_and_when(Goal, goal_pk)


def _save_goal(goal: Goal, expected_version: int | None, by: User, **changes) -> Goal:
    """Write `changes` only if the goal still has `expected_version` (optimistic locking)."""
    if expected_version is None:
        raise ValidationError({NON_FIELD_ERRORS: _(
            "Målets version saknas, så det går inte att se om någon annan har ändrat det. "
            "Ladda om sidan och gör om ändringen."
        )})
    updated = Goal.objects.filter(pk=goal.pk, version=expected_version).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now(), **changes
    )
    if updated == 0:
        raise ValidationError({NON_FIELD_ERRORS: goal_conflict_message(goal.pk)})
    _touch(goal.plan, by)
    goal.refresh_from_db()
    return goal


def _touch(plan: ActionPlan, by: User) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(updated_by=by, updated_at=timezone.now())


@transaction.atomic
def add_goal(
    plan: ActionPlan,
    *,
    text: str,
    by: User,
    responsible: str = "",
    due_on: dt.date | None = None,
    parent: Goal | None = None,
) -> Goal:
    """Lägg till mål, or delmål when `parent` is given (only one level of sub-goals)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Skriv vad målet är.")})
    if parent is not None:
        if parent.plan_id != plan.pk:
            raise ValidationError({"parent": _("Delmålet måste höra till ett mål i samma plan.")})
        if parent.parent_id is not None:
            raise ValidationError({"parent": _("Ett delmål kan inte ha egna delmål.")})
    _check_goal_due(plan, due_on)
    siblings = Goal.objects.filter(plan=plan, parent=parent)
    order = (siblings.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    goal = Goal.objects.create(
        plan=plan, parent=parent, text=text, responsible=responsible.strip(), due_on=due_on,
        order=order, updated_by=by,
    )
    _touch(plan, by)
    return goal


def _check_goal_due(plan: ActionPlan, due_on: dt.date | None) -> None:
    if due_on is not None and due_on < plan.established_on:
        raise ValidationError(
            {"due_on": _("Målet kan inte vara klart före planens fastställandedatum %(date)s.")
             % {"date": plan.established_on.isoformat()}}
        )


@transaction.atomic
def update_goal(
    goal: Goal,
    expected_version: int | None,
    *,
    text: str,
    responsible: str,
    due_on: dt.date | None,
    achieved: bool,
    by: User,
) -> Goal:
    """Ändra mål/delmål, including marking it achieved (uppnått).

    Refused, with who changed it and when, if the goal changed since `expected_version` was
    read; nothing is written then.
    """
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Skriv vad målet är.")})
    _check_goal_due(goal.plan, due_on)
    return _save_goal(
        goal, expected_version, by,
        text=text, responsible=responsible.strip(), due_on=due_on, achieved=achieved,
    )


@transaction.atomic
def set_goal_achieved(
    goal: Goal, achieved: bool, by: User, expected_version: int | None
) -> Goal:
    """Markera mål som uppnått (or not); refused like `update_goal` on a stale version."""
    return _save_goal(goal, expected_version, by, achieved=achieved)


@transaction.atomic
def record_plan_followup(
    plan: ActionPlan, held_on: dt.date, note: str, by: User, expected_version: int | None
) -> PlanFollowup:
    """Planuppföljning: record it and move the next follow-up to three calendar months later.

    `expected_version` is the plan's version when the form was opened: a follow-up recorded
    (or the plan changed) by someone else since then is not recorded again over it.
    """
    if expected_version is None:
        raise ValidationError({NON_FIELD_ERRORS: _(
            "Planens version saknas, så det går inte att se om någon annan har ändrat den. "
            "Ladda om sidan och gör om ändringen."
        )})
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Skriv vad uppföljningen kom fram till.")})
    if held_on < plan.established_on:
        raise ValidationError(
            {"held_on": _("Uppföljningen kan inte vara före planens fastställandedatum %(date)s.")
             % {"date": plan.established_on.isoformat()}}
        )
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Uppföljningsdatum kan inte ligga i framtiden.")})
    end = plan.enrolment.end_date
    if end and held_on > end:
        raise ValidationError(
            {"held_on": _("Uppföljningen kan inte vara efter inskrivningens slutdatum %(date)s.")
             % {"date": end.isoformat()}}
        )
    # Claim the plan's version first, so that of two people recording at once only one gets
    # through; the other is refused and nothing of theirs is written.
    claimed = ActionPlan.objects.filter(pk=plan.pk, version=expected_version).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if claimed == 0:
        raise ValidationError({NON_FIELD_ERRORS: conflict_message(plan.pk)})
    followup = PlanFollowup.objects.create(plan=plan, held_on=held_on, note=note, by=by)
    latest = _followup_base(plan, plan.established_on)
    # A follow-up entered late for an earlier date must not pull the next deadline backwards.
    ActionPlan.objects.filter(pk=plan.pk).update(next_followup_on=next_followup_deadline(latest))
    plan.refresh_from_db()
    return followup


def plans_due(enrolments: QuerySet[Enrolment], today: dt.date) -> QuerySet[Enrolment]:
    """Open enrolments annotated with `plan_deadline` and `plan_status` (overdue / due_soon / ok).

    The deadline is the plan's next follow-up when there is a plan; three months after an
    imported first-plan date when only that is known; otherwise the first-plan deadline three
    calendar months after the start. Computed in SQL so it scales to a whole unit.
    """
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    return (
        enrolments.filter(end_date__isnull=True)
        .annotate(
            plan_deadline=Coalesce(
                F("plan__next_followup_on"),
                AddMonths(F("plan_date"), PLAN_INTERVAL_MONTHS),
                AddMonths(F("start_date"), PLAN_INTERVAL_MONTHS),
            ),
            has_plan=Case(
                When(Q(plan__isnull=False) | Q(plan_date__isnull=False), then=Value(True)),
                default=Value(False),
            ),
        )
        .annotate(
            plan_status=Case(
                When(plan_deadline__lt=today, then=Value(PlanStatus.OVERDUE)),
                When(plan_deadline__lte=soon, then=Value(PlanStatus.DUE_SOON)),
                default=Value(PlanStatus.OK),
                output_field=CharField(),
            )
        )
    )
