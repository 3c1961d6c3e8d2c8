"""Need-to-know access: the one place that decides who may see which person and enrolment.

Every page, API endpoint, export and search narrows its querysets through these functions and
checks single objects with them; nothing else in the code decides visibility.

| role        | enrolments visible                         | may change                       |
|-------------|--------------------------------------------|----------------------------------|
| coach       | those of their own unit                    | their own caseload               |
| samordnare  | those of their own unit                    | allocation of their unit's queue |
| enhetschef  | those of their own unit                    | reopen closed enrolments         |
| remittent   | those started from referrals they sent     | nothing (sends referrals)        |
| controller  | none (aggregates only)                     | nothing                          |
| admin       | none (configures catalogues and users)     | configuration                    |

Persons with protected identity are left out unless the user has been granted access to them.
Nothing outside the user's municipality is ever visible: a unit that belongs to another
municipality than the user's (a misconfigured account) shows nothing rather than too much.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from insats.accounts.models import ProtectedIdentityGrant, Role, User
from insats.enrolments.models import Enrolment
from insats.persons.models import Person
from insats.referrals.models import Referral

UNIT_ROLES = (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF)
CASE_ROLES = (*UNIT_ROLES, Role.REMITTENT)


def _protected_filter(user: User, prefix: str = "") -> Q:
    """Protected persons only for users granted all of them or that one person."""
    if user.may_see_protected_identity:
        return Q()
    granted = ProtectedIdentityGrant.objects.filter(user_id=user.pk).values("person_id")
    return ~Q(**{f"{prefix}protected_identity": True}) | Q(**{f"{prefix}pk__in": granted})


def _municipality_filter(user: User, prefix: str = "") -> Q:
    """Case data of the user's own municipality only (kommunens ansvar ends at its border)."""
    if user.municipality_id is None:
        return Q()
    return Q(**{f"{prefix}unit__municipality_id": user.municipality_id})


def visible_enrolments(user: User) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in UNIT_ROLES and user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    elif user.role == Role.REMITTENT:
        qs = qs.filter(referral__sender=user)
    else:
        return qs.none()
    return qs.filter(_municipality_filter(user)).filter(_protected_filter(user, "person__"))


def visible_persons(user: User) -> QuerySet[Person]:
    """Persons with at least one visible enrolment or a referral the user may see."""
    enrolment_persons = visible_enrolments(user).values("person_id")
    referral_persons = visible_referrals(user).values("person_id")
    return Person.objects.filter(Q(pk__in=enrolment_persons) | Q(pk__in=referral_persons)).filter(
        _protected_filter(user)
    )


def visible_referrals(user: User) -> QuerySet[Referral]:
    qs = Referral.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in UNIT_ROLES and user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    elif user.role == Role.REMITTENT:
        qs = qs.filter(sender=user)
    else:
        return qs.none()
    return qs.filter(_municipality_filter(user)).filter(_protected_filter(user, "person__"))


def can_view_enrolment(user: User, enrolment: Enrolment) -> bool:
    return visible_enrolments(user).filter(pk=enrolment.pk).exists()


def can_work_on_enrolment(user: User, enrolment: Enrolment) -> bool:
    """Coaches work on their own caseload; the unit's enhetschef and samordnare may step in."""
    if not can_view_enrolment(user, enrolment):
        return False
    if user.role == Role.COACH:
        return enrolment.coach_id == user.pk
    return user.role in (Role.ENHETSCHEF, Role.SAMORDNARE)


def can_reopen_enrolment(user: User, enrolment: Enrolment) -> bool:
    return user.role == Role.ENHETSCHEF and can_view_enrolment(user, enrolment)


def can_send_referrals(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.REMITTENT, Role.SAMORDNARE)


def can_allocate(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.SAMORDNARE, Role.ENHETSCHEF)


def sees_personal_data(user: User) -> bool:
    return user.is_authenticated and user.role in CASE_ROLES


def can_register_person(user: User) -> bool:
    """Staff of a unit register persons (a remittent's persons come in with their referral)."""
    return user.is_authenticated and user.role in UNIT_ROLES and bool(user.unit_id)


def can_edit_person(user: User, person: Person) -> bool:
    """Unit staff may correct the personal details of a person they can see."""
    return can_register_person(user) and visible_persons(user).filter(pk=person.pk).exists()


# --- Enkäter (insats.surveys): answers are anonymous, but free text may identify someone. ----


def can_see_survey_results(user: User) -> bool:
    """Aggregated survey results: the unit's enhetschef, controllers and administrators."""
    return user.is_authenticated and user.is_active and user.role in (
        Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN
    )


def visible_survey_responses(user: User):
    """Survey responses counted in what the user sees: an enhetschef those of their own unit,
    controller and admin those of their municipality; nobody else any."""
    from insats.surveys.models import SurveyResponse  # surveys builds on this module

    qs = SurveyResponse.objects.all()
    if not can_see_survey_results(user):
        return qs.none()
    if user.role == Role.ENHETSCHEF:
        if not user.unit_id:
            return qs.none()
        qs = qs.filter(unit_id=user.unit_id)
    return qs.filter(_municipality_filter(user))


def can_read_survey_free_text(user: User) -> bool:
    """Free-text answers may contain identifying text: only the unit's enhetschef reads them."""
    return can_see_survey_results(user) and user.role == Role.ENHETSCHEF and bool(user.unit_id)


def can_create_employer_survey(user: User) -> bool:
    """Arbetsgivarenkäter (jobbspår) are sent by a unit's coaches and its enhetschef."""
    return (user.is_authenticated and user.is_active and bool(user.unit_id)
            and user.role in (Role.COACH, Role.ENHETSCHEF))


# --- Åtkomstlogg och registerutdrag (insats.audit, insats.privacy) ---------------------------


def can_follow_up_access_log(user: User) -> bool:
    """Logguppföljning: an enhetschef for their unit's staff, an administrator for all staff."""
    if not (user.is_authenticated and user.is_active):
        return False
    return (user.role == Role.ENHETSCHEF and bool(user.unit_id)) or user.role == Role.ADMIN


def visible_access_log(user: User):
    """Access-log entries a user may follow up: an enhetschef those written by the staff of
    their own unit, an administrator those of their municipality's staff (and system jobs)."""
    from insats.audit.models import AccessLogEntry  # audit builds on this module

    qs = AccessLogEntry.objects.all()
    if not can_follow_up_access_log(user):
        return qs.none()
    if user.role == Role.ENHETSCHEF:
        return qs.filter(unit_id=user.unit_id)
    if user.municipality_id is None:
        return qs
    staff = User.objects.filter(municipality_id=user.municipality_id).values("pk")
    return qs.filter(Q(user_id__in=staff) | Q(user_id__isnull=True))


def extractable_persons(user: User) -> QuerySet[Person]:
    """Persons a user may produce a registerutdrag for (GDPR art. 15): an enhetschef those with
    an enrolment at their unit that they may see; an administrator (who must give a reason)
    anyone with an enrolment or referral in the municipality."""
    if not (user.is_authenticated and user.is_active):
        return Person.objects.none()
    if user.role == Role.ENHETSCHEF and user.unit_id:
        return Person.objects.filter(pk__in=visible_enrolments(user).values("person_id"))
    if user.role == Role.ADMIN:
        if user.municipality_id is None:
            return Person.objects.all()
        in_municipality = Q(enrolments__unit__municipality_id=user.municipality_id) | Q(
            referrals__unit__municipality_id=user.municipality_id
        )
        return Person.objects.filter(
            pk__in=Person.objects.filter(in_municipality).values("pk")
        )
    return Person.objects.none()


def can_extract_register(user: User, person: Person) -> bool:
    return extractable_persons(user).filter(pk=person.pk).exists()


def extract_needs_reason(user: User) -> bool:
    """An administrator has no case relation to the person, so must say why."""
    return user.role == Role.ADMIN


# --- Goals and the board's report (mål, nämndrapport): no personal data, aggregates only ------


def visible_boards(user: User):
    """Nämnder whose goals and reports the user may see: those of the user's municipality."""
    from insats.organisation.models import Board

    if not user.is_authenticated or user.municipality_id is None:
        return Board.objects.none()
    return Board.objects.filter(municipality_id=user.municipality_id)


def can_read_goals(user: User) -> bool:
    """All staff follow the goals; a remittent from another activity does not."""
    return user.is_authenticated and user.role != Role.REMITTENT


def can_edit_goals(user: User) -> bool:
    """Målvärde, analys, prognos and own assessment are written by those who report upwards."""
    return user.has_role(Role.CONTROLLER, Role.ENHETSCHEF, Role.ADMIN)


def can_make_board_report(user: User) -> bool:
    return user.has_role(Role.CONTROLLER, Role.ENHETSCHEF, Role.ADMIN)
