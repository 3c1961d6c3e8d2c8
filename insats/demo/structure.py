"""The demo municipality's organisation, staff and measures catalogue.

Everything here is looked up by its natural key (unit code, username, measure code, provider
name) and created only when missing, so running the demo again after `--reset` reuses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password

from insats.accounts.models import Role, Tag, User
from insats.accounts.services import create_user
from insats.codes.models import MeasureCategory
from insats.measures.models import Measure, Provider
from insats.organisation.models import Administration, Board, Municipality, Unit

from . import data
from .rand import DemoRandom

# Caseload the generator aims at for each coach's open enrolments (the routine's "riktvärde").
TARGET_CASELOAD = 22


@dataclass
class Staff:
    main: dict[str, User] = field(default_factory=dict)
    coaches: dict[str, list[User]] = field(default_factory=dict)
    # The coach in each unit allowed to handle persons with protected identity.
    trusted_coach: dict[str, User] = field(default_factory=dict)
    samordnare: dict[str, User] = field(default_factory=dict)
    enhetschef: dict[str, User] = field(default_factory=dict)
    remittents: dict[str, User] = field(default_factory=dict)
    ekb_pool: list[User] = field(default_factory=list)
    existing: set[str] = field(default_factory=set)


def create_organisation() -> tuple[Municipality, dict[str, Unit]]:
    """Kommun → Arbetsmarknadsnämnden → Arbetsmarknadsförvaltningen → AME, Jobbtorg, UNG."""
    municipality = (
        Municipality.objects.filter(code=settings.INSATS_DEFAULT_MUNICIPALITY_CODE).first()
        or Municipality.default()
    )
    board, _ = Board.objects.get_or_create(municipality=municipality, name=data.BOARD_NAME)
    administration, _ = Administration.objects.get_or_create(
        board=board, name=data.ADMINISTRATION_NAME
    )
    units = {}
    for code, name, routine, _share in data.UNITS:
        unit, created = Unit.objects.get_or_create(
            code=code,
            defaults={
                "municipality": municipality,
                "administration": administration,
                "name": name,
                "allocation_routine": routine,
            },
        )
        if not created and not unit.allocation_routine:
            unit.allocation_routine = routine
            unit.save(update_fields=["allocation_routine"])
        units[code] = unit
    return municipality, units


def create_tags() -> dict[str, Tag]:
    tags = {}
    for kind, names in (
        (Tag.Kind.LANGUAGE, data.LANGUAGE_TAGS),
        (Tag.Kind.COMPETENCE, data.COMPETENCE_TAGS),
    ):
        for name in names:
            tags[name], _ = Tag.objects.get_or_create(kind=kind, name=name)
    return tags


def create_staff(
    rng: DemoRandom,
    units: dict[str, Unit],
    tags: dict[str, Tag],
    open_per_unit: dict[str, int],
    ekb_referrals: int,
) -> Staff:
    """The six printed accounts plus enough coaches for a caseload of about 22 open
    enrolments each, a samordnare and enhetschef per unit, and remittents per uppdragsgivare."""
    staff = Staff()
    existing = {u.username: u for u in User.objects.all()}
    staff.existing = set(existing)
    for username, role, unit_code, first, last in data.MAIN_ACCOUNTS:
        user = existing.get(username) or create_user(
            username,
            role,
            data.DEMO_PASSWORD,
            unit_code=unit_code,
            first_name=first,
            last_name=last,
            email=f"{username}@demokommunen.example",
        )
        staff.main[role] = user
    remittent = staff.main[Role.REMITTENT]
    if remittent.username not in staff.existing:
        remittent.referral_source_id = "EKB"
        remittent.save(update_fields=["referral_source"])
    if "coach" not in staff.existing:
        staff.main[Role.COACH].tags.set([tags["engelska"], tags["språkstöd"]])

    builder = _StaffBuilder(rng, existing, units, _demo_password_hash(staff))
    for code in units:
        wanted = max(3, round(open_per_unit.get(code, 0) / TARGET_CASELOAD))
        staff.coaches[code] = builder.coaches(code, wanted, staff.main[Role.COACH])
        staff.trusted_coach[code] = staff.coaches[code][1]
        staff.samordnare[code] = (
            staff.main[Role.SAMORDNARE]
            if code == "AME"
            else builder.one(f"samordnare-{code.lower()}", Role.SAMORDNARE, code)
        )
        staff.enhetschef[code] = (
            staff.main[Role.ENHETSCHEF]
            if code == "AME"
            else builder.one(f"enhetschef-{code.lower()}", Role.ENHETSCHEF, code)
        )
    staff.remittents["EKB"] = remittent
    for username, source, first, last in data.OTHER_REMITTENTS:
        staff.remittents[source] = builder.one(
            username, Role.REMITTENT, None, source=source, name=(first, last)
        )
    pool_size = max(2, math.ceil(ekb_referrals / 80))
    staff.ekb_pool = [
        builder.one(f"socsek-{i:02d}", Role.REMITTENT, None, source="EKB")
        for i in range(1, pool_size + 1)
    ]
    builder.save(tags, staff)
    return staff


def _demo_password_hash(staff: Staff) -> str:
    """The hash of the demo password, taken from a printed account created just now when there
    is one (each key derivation costs about a second)."""
    for user in staff.main.values():
        if user.username not in staff.existing:
            return user.password
    return make_password(data.DEMO_PASSWORD)


class _StaffBuilder:
    """Collects the extra (not printed) staff accounts and writes them in bulk; they share one
    password hash so that a large municipality is not slowed down by hundreds of key
    derivations."""

    def __init__(
        self, rng: DemoRandom, existing: dict[str, User], units: dict[str, Unit], password_hash: str
    ):
        self.rng = rng
        self.existing = existing
        self.units = units
        self.new: list[User] = []
        self.new_tags: dict[str, list[str]] = {}
        self.password = password_hash

    def one(
        self,
        username: str,
        role: str,
        unit_code: str | None,
        *,
        source: str | None = None,
        name: tuple[str, str] | None = None,
        tags: list[str] | None = None,
        protected: bool = False,
    ) -> User:
        # Draw the name first, so that reusing an existing account consumes the same random
        # numbers as creating it and the rest of the demo stays the same.
        first, last = name or self._name()
        if username in self.existing:
            return self.existing[username]
        unit = self.units[unit_code] if unit_code else None
        user = User(
            username=username,
            role=role,
            unit=unit,
            municipality=unit.municipality if unit else self.units["AME"].municipality,
            first_name=first,
            last_name=last,
            email=f"{username}@demokommunen.example",
            referral_source_id=source,
            password=self.password,
            may_see_protected_identity=protected,
        )
        self.existing[username] = user
        self.new.append(user)
        self.new_tags[username] = tags or []
        return user

    def coaches(self, unit_code: str, wanted: int, main_coach: User) -> list[User]:
        result = [main_coach] if unit_code == main_coach.unit.code else []
        languages = list(data.LANGUAGE_TAGS)
        competences = list(data.COMPETENCE_TAGS)
        number = 1
        while len(result) < wanted:
            tags = [languages[(number - 1) % len(languages)]]
            tags.append(competences[(number + len(unit_code)) % len(competences)])
            if unit_code == "UNG" and "unga vuxna" not in tags:
                tags.append("unga vuxna")
            result.append(
                self.one(
                    f"coach-{unit_code.lower()}-{number:02d}",
                    Role.COACH,
                    unit_code,
                    tags=tags,
                    protected=len(result) == 1,
                )
            )
            number += 1
        return result

    def _name(self) -> tuple[str, str]:
        rng = self.rng
        if rng.chance(0.3):
            origin = rng.pick(list(data.ORIGINS))
            _w, female, male, last = data.ORIGINS[origin]
            return rng.pick(female + male), rng.pick(last)
        return rng.pick(data.SWEDISH_FEMALE + data.SWEDISH_MALE), rng.pick(data.SWEDISH_LAST)

    def save(self, tags: dict[str, Tag], staff: Staff) -> None:
        User.objects.bulk_create(self.new)
        through = User.tags.through
        rows = [
            through(user_id=user.pk, tag_id=tags[name].pk)
            for user in self.new
            for name in self.new_tags[user.username]
        ]
        through.objects.bulk_create(rows)


def create_catalogue(units: dict[str, Unit], scale: float) -> dict[str, Measure]:
    """Providers (anordnare) of every kind and the measures catalogue (insatsmatris) across
    SKR's categories; capacities grow with the size of the municipality."""
    providers = {}
    for name, kind in data.PROVIDERS:
        providers[name], _ = Provider.objects.get_or_create(name=name, defaults={"kind": kind})
    categories = set(MeasureCategory.objects.values_list("code", flat=True))
    measures = {}
    for (
        code,
        name,
        category,
        provider,
        unit,
        capacity,
        cost,
        profession,
        groups,
        description,
    ) in data.MEASURES:
        if category not in categories:
            continue
        measures[code], _ = Measure.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category_id": category,
                "provider": providers[provider],
                "unit": units[unit],
                "capacity": max(capacity, round(capacity * scale)),
                "unit_cost_sek": cost,
                "responsible_profession": profession,
                "target_groups": groups,
                "description": description,
            },
        )
    return measures
