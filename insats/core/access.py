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
municipality than the user's, or an account without a municipality (a misconfigured account),
shows nothing rather than too much.

A remittent never sees a person record (personakt): they see the person only as part of their
own referrals, as the name and personnummer they entered themselves (`referral_person`), and
the status and shared plan of the enrolments started from those referrals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from insats.accounts.models import ProtectedIdentityGrant, Role, User
from insats.enrolments.models import Enrolment
from insats.organisation.models import Unit
from insats.persons.models import Person
from insats.referrals.models import Referral, ReferralAttachment

UNIT_ROLES = (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF)
CASE_ROLES = (*UNIT_ROLES, Role.REMITTENT)


def _protected_filter(user: User, prefix: str = "") -> Q:
    """Protected persons only for users granted all of them or that one person."""
    if user.may_see_protected_identity:
        return Q()
    granted = ProtectedIdentityGrant.objects.filter(user_id=user.pk).values("person_id")
    return ~Q(**{f"{prefix}protected_identity": True}) | Q(**{f"{prefix}pk__in": granted})


NOTHING = Q(pk__in=[])


def _municipality_filter(user: User, prefix: str = "") -> Q:
    """Case data of the user's own municipality only (kommunens ansvar ends at its border).

    A user without a municipality gets nothing: a missing value is never "no limit"."""
    if user.municipality_id is None:
        return NOTHING
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


def sees_person_records(user: User) -> bool:
    """The person record (personakt: search, detail, the persons API) is for a unit's staff.

    A remittent sees a person only inside their own referrals (`referral_person`)."""
    return (user.is_authenticated and user.is_active and user.role in UNIT_ROLES
            and bool(user.unit_id))


def visible_persons(user: User) -> QuerySet[Person]:
    """Person records the user may open: for a unit's staff, persons with at least one visible
    enrolment or referral; for everyone else (remittents included) none."""
    if not sees_person_records(user):
        return Person.objects.none()
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
        # The sender follows every referral they sent, whoever it concerns: they see the person
        # only as they entered them (`referral_person`), so hiding a protected person's
        # referral would tell them no more than that the person is protected.
        return qs.filter(sender=user).filter(_municipality_filter(user))
    else:
        return qs.none()
    return qs.filter(_municipality_filter(user)).filter(_protected_filter(user, "person__"))


def visible_referral_attachments(user: User) -> QuerySet[ReferralAttachment]:
    """Attachments (bilagor) of the referrals the user may see, and only those: the referrer
    who sent the referral and the staff of its unit; nobody else, whatever the role."""
    return ReferralAttachment.objects.filter(referral__in=visible_referrals(user))


def can_add_referral_attachments(user: User, referral: Referral) -> bool:
    """The sender adds attachments to their own referral while it waits for allocation."""
    return (can_send_referrals(user) and referral.sender_id == user.pk
            and referral.status == Referral.Status.SENT
            and visible_referrals(user).filter(pk=referral.pk).exists())


@dataclass(frozen=True)
class ReferralPerson:
    """The person of a referral as the user may see it there."""

    first_name: str
    last_name: str
    personnummer: str  # canonical 12 digits, or ""
    birth_date: dt.date | None
    record: Person | None  # the person record, only for those who may open it

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_personnummer(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}" if self.personnummer else ""

    def __str__(self) -> str:
        return self.name


def referral_person(user: User, referral: Referral) -> ReferralPerson:
    """The person of a referral the user may see: staff who may open the person record see the
    record; anyone else (the referrer) only what was entered when the referral was sent, so a
    personnummer typed into a referral never discloses an existing person's details."""
    person = referral.person
    if visible_persons(user).filter(pk=referral.person_id).exists():
        return ReferralPerson(person.first_name, person.last_name, person.personnummer,
                              person.birth_date, person)
    if referral.referred_first_name or referral.referred_last_name:
        return ReferralPerson(referral.referred_first_name, referral.referred_last_name,
                              referral.referred_personnummer, referral.referred_birth_date, None)
    # Referrals not sent through Insats' referral form or API (imported, demo data) have
    # nothing entered to show; their sender gave the person's details outside Insats. Not for a
    # protected person, whose name and number may have been changed since.
    if person.protected_identity:
        return ReferralPerson(_("Skyddad identitet"), "", "", None, None)
    return ReferralPerson(person.first_name, person.last_name, person.personnummer,
                          person.birth_date, None)


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


def editable_routine_units(user: User) -> QuerySet[Unit]:
    """Units whose allocation routine (fördelningsrutin) the user may edit: an enhetschef their
    own unit, an administrator every unit of their municipality."""
    if not (user.is_authenticated and user.is_active) or user.municipality_id is None:
        return Unit.objects.none()
    units = Unit.objects.filter(municipality_id=user.municipality_id)
    if user.role == Role.ENHETSCHEF and user.unit_id:
        return units.filter(pk=user.unit_id)
    if user.role == Role.ADMIN:
        return units
    return Unit.objects.none()


def can_edit_allocation_routine(user: User, unit: Unit) -> bool:
    return editable_routine_units(user).filter(pk=unit.pk).exists()


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
    if not can_follow_up_access_log(user) or user.municipality_id is None:
        return qs.none()
    if user.role == Role.ENHETSCHEF:
        own_unit = Unit.objects.filter(pk=user.unit_id, municipality_id=user.municipality_id)
        return qs.filter(unit_id__in=own_unit.values("pk"))
    staff = User.objects.filter(municipality_id=user.municipality_id).values("pk")
    return qs.filter(Q(user_id__in=staff) | Q(user_id__isnull=True))


def _municipality_persons(user: User) -> QuerySet[Person]:
    """Persons with an enrolment or a referral at a unit of the user's municipality."""
    if user.municipality_id is None:
        return Person.objects.none()
    in_municipality = Q(enrolments__unit__municipality_id=user.municipality_id) | Q(
        referrals__unit__municipality_id=user.municipality_id
    )
    return Person.objects.filter(pk__in=Person.objects.filter(in_municipality).values("pk"))


def follow_up_persons(user: User) -> QuerySet[Person]:
    """Persons the log follow-up may be asked about: those of the user's municipality (an
    enrolment or referral at one of its units). Protected persons are among them, since their
    accesses are the ones most worth following up; the page must then show the same answer as
    for an unknown person unless there are entries to show (`may_reveal_person`)."""
    if not can_follow_up_access_log(user):
        return Person.objects.none()
    return _municipality_persons(user)


def may_reveal_person(user: User, person: Person) -> bool:
    """Whether a page may confirm that `person` exists to a user who has no entries about them:
    not for a protected person the user has no access to."""
    return Person.objects.filter(pk=person.pk).filter(_protected_filter(user)).exists()


def grantable_persons(user: User) -> QuerySet[Person]:
    """Persons an administrator may grant a user access to (behörighet till skyddad identitet):
    those of the administrator's municipality, so that the grants page confirms nothing about
    other municipalities' persons."""
    if not (user.is_authenticated and user.is_active and user.role == Role.ADMIN):
        return Person.objects.none()
    return _municipality_persons(user)


def extractable_persons(user: User) -> QuerySet[Person]:
    """Persons a user may produce a registerutdrag for (GDPR art. 15): an enhetschef those with
    an enrolment at their unit that they may see; an administrator (who must give a reason)
    anyone with an enrolment or referral in the municipality."""
    if not (user.is_authenticated and user.is_active):
        return Person.objects.none()
    if user.role == Role.ENHETSCHEF and user.unit_id:
        return Person.objects.filter(pk__in=visible_enrolments(user).values("person_id"))
    if user.role == Role.ADMIN:
        return _municipality_persons(user)
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
