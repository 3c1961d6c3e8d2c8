"""A small world for access tests: two municipalities, three units, one of every case object
in each unit, and a user of every role.

Unit A (municipality 1) is the requesting users' own unit; unit B is another unit in the same
municipality and unit C a unit in another municipality. Every person has a distinctive surname,
so a test can assert that a response never contains a person the user may not see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from insats.accounts.models import Role, User
from insats.assessments.models import Assessment, Instrument
from insats.core import testing
from insats.measures.models import Attendance
from insats.organisation.models import Municipality
from insats.plans.models import ActionPlan, Goal
from insats.referrals.models import Referral
from insats.referrals.services import add_attachments

ROLES = ("coach", "samordnare", "enhetschef", "remittent", "controller", "admin")
UNITS = ("A", "B", "C")
SURNAMES = {"A": "Egenenhetsson", "B": "Grannenhetsson", "C": "Annankommunsson"}
QUEUED_SURNAMES = {"A": "Koegensdotter", "B": "Kogrannsdotter", "C": "Koannansdotter"}
PROTECTED_SURNAME = "Skyddadsdotter"
PROTECTED_ADDRESS = "Hemliga vägen 13"


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    # kind → unit letter → object
    objects: dict[str, dict[str, object]] = field(default_factory=dict)
    protected_person: object = None
    protected_enrolment: object = None

    def forbidden_names(self, role: str) -> list[str]:
        """Surnames the user of `role` in unit A must never be shown."""
        names = [SURNAMES["B"], SURNAMES["C"], QUEUED_SURNAMES["B"], QUEUED_SURNAMES["C"]]
        names.append(PROTECTED_SURNAME)
        if role in ("controller", "admin", "anonymous"):
            names += [SURNAMES["A"], QUEUED_SURNAMES["A"]]
        return names


def build_world() -> World:
    world = World()
    municipality_1 = Municipality.default()
    municipality_2 = Municipality.objects.create(code="9999", name="Annankommun")
    units = {
        "A": testing.make_unit("SEC-A", name="Enhet A", municipality=municipality_1),
        "B": testing.make_unit("SEC-B", name="Enhet B", municipality=municipality_1),
        "C": testing.make_unit("SEC-C", name="Enhet C", municipality=municipality_2),
    }
    instrument = Instrument.objects.create(name="Kartläggning (test)")
    for kind in ("person", "enrolment", "referral", "placement", "attendance", "plan", "goal",
                 "assessment", "measure", "queued_person", "referral_attachment"):
        world.objects[kind] = {}
    staff: dict[str, dict[str, User]] = {}
    for letter, unit in units.items():
        staff[letter] = {
            role: testing.make_user(role, unit if role in ("coach", "samordnare", "enhetschef")
                                    else None, username=f"{role}-{letter.lower()}")
            for role in ("coach", "samordnare", "enhetschef", "remittent")
        }
        staff[letter]["remittent"].municipality = unit.municipality
        staff[letter]["remittent"].save(update_fields=["municipality"])
        coach, remittent = staff[letter]["coach"], staff[letter]["remittent"]
        person = testing.make_person(first_name="Anna", last_name=SURNAMES[letter],
                                     address=f"Storgatan {ord(letter)}")
        referral = testing.make_referral(remittent, unit, person, status=Referral.Status.ALLOCATED,
                                         allocated_to=coach)
        enrolment = testing.make_enrolment(person, unit, coach=coach, referral=referral,
                                           start_date=dt.date(2024, 1, 15))
        queued_person = testing.make_person(first_name="Bo", last_name=QUEUED_SURNAMES[letter])
        queued = testing.make_referral(remittent, unit, queued_person)
        # A file sent with the waiting referral (written under the test's MEDIA_ROOT).
        (attachment,) = add_attachments(queued, by=remittent, files=[
            SimpleUploadedFile(f"Intyg {letter}.pdf", b"%PDF-1.4\n% test\n")
        ])
        world.objects["referral_attachment"][letter] = attachment
        measure = testing.make_measure(unit=unit, name=f"Arbetsträning {letter}")
        placement = testing.make_placement(enrolment, measure, workplace=f"Verkstad {letter}")
        attendance = Attendance.objects.create(placement=placement, date=dt.date(2024, 1, 16),
                                               hours=4)
        plan = ActionPlan.objects.create(enrolment=enrolment, established_on=dt.date(2024, 2, 1),
                                         next_followup_on=dt.date(2024, 5, 1), summary="Mål")
        goal = Goal.objects.create(plan=plan, text="Söka tre jobb i veckan")
        assessment = Assessment.objects.create(
            enrolment=enrolment, instrument=instrument, performed_by=coach,
            performed_on=dt.date(2024, 1, 20), total_score=3, need_category="AM2",
        )
        for kind, obj in (("person", person), ("enrolment", enrolment), ("referral", queued),
                          ("placement", placement), ("attendance", attendance), ("plan", plan),
                          ("goal", goal), ("assessment", assessment), ("measure", measure),
                          ("queued_person", queued_person)):
            world.objects[kind][letter] = obj
    world.users = {role: staff["A"][role] for role in ("coach", "samordnare", "enhetschef",
                                                        "remittent")}
    world.users["controller"] = testing.make_user(Role.CONTROLLER, None, username="controller-a")
    world.users["admin"] = testing.make_user(Role.ADMIN, None, username="admin-a", is_staff=True,
                                             is_superuser=True)
    protected = testing.make_person(first_name="Eva", last_name=PROTECTED_SURNAME,
                                    protected_identity=True, address=PROTECTED_ADDRESS)
    protected_referral = testing.make_referral(
        staff["A"]["remittent"], units["A"], protected, status=Referral.Status.ALLOCATED,
        allocated_to=staff["A"]["coach"],
    )
    world.protected_person = protected
    world.protected_enrolment = testing.make_enrolment(
        protected, units["A"], coach=staff["A"]["coach"], referral=protected_referral
    )
    world.units = units
    # Enkäter: the public answer page is named by an invitation's one-time token (its pk).
    from insats.surveys.services import create_employer_invitation

    world.objects["survey_invitation"] = {
        letter: create_employer_invitation(measure=world.objects["measure"][letter],
                                           employer_name=f"Arbetsgivare {letter}",
                                           by=staff[letter]["coach"])
        for letter in UNITS
    }
    # Pages named by a code rather than a row (an indicator, a data-quality rule): the same
    # code for every unit, since what the page shows is limited by the user, not the path.
    world.objects["indicator_code"] = {letter: SimpleNamespace(pk="avslutade") for letter in UNITS}
    world.objects["quality_rule"] = {letter: SimpleNamespace(pk="plan_saknas") for letter in UNITS}
    return world
