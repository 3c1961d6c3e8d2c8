"""Small builders for tests in every app: one obvious place to make a unit, user, person...

Each builder takes keyword overrides and fills the rest with valid defaults.
"""

from __future__ import annotations

import datetime as dt
import itertools

from insats.accounts.models import Role, User
from insats.codes.models import ClosureReason, MeasureCategory, ReferralSource
from insats.enrolments.models import Enrolment
from insats.measures.models import Measure, Placement
from insats.organisation.models import Municipality, Unit
from insats.persons.models import Person
from insats.referrals.models import Referral

_seq = itertools.count(1)
PASSWORD = "Test-lösenord-123"


def make_unit(code: str | None = None, **kw) -> Unit:
    n = next(_seq)
    return Unit.objects.create(
        municipality=kw.pop("municipality", None) or Municipality.default(),
        code=code or f"U{n}",
        name=kw.pop("name", f"Enhet {n}"),
        **kw,
    )


def make_user(role: str = Role.COACH, unit: Unit | None = None, **kw) -> User:
    n = next(_seq)
    user = User(
        username=kw.pop("username", f"{role}{n}"),
        role=role,
        unit=unit,
        municipality=unit.municipality if unit else Municipality.default(),
        first_name=kw.pop("first_name", role.capitalize()),
        last_name=kw.pop("last_name", str(n)),
        **kw,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def make_person(**kw) -> Person:
    n = next(_seq)
    defaults = {
        "external_id": f"P{n}",
        "first_name": "Test",
        "last_name": f"Person{n}",
        "birth_date": dt.date(1990, 1, 1),
        "gender": "K",
    }
    defaults.update(kw)
    return Person.objects.create(**defaults)


def make_enrolment(person: Person | None = None, unit: Unit | None = None, **kw) -> Enrolment:
    n = next(_seq)
    defaults = {
        "external_id": f"E{n}",
        "person": person or make_person(),
        "unit": unit or make_unit(),
        "referral_source": ReferralSource.objects.get(code="EKB"),
        "start_date": dt.date(2024, 1, 15),
    }
    defaults.update(kw)
    if isinstance(defaults.get("closure_reason"), str):
        defaults["closure_reason"] = ClosureReason.objects.get(code=defaults["closure_reason"])
    return Enrolment.objects.create(**defaults)


def make_measure(code: str | None = None, category: str = "ARBETSTRANING", **kw) -> Measure:
    n = next(_seq)
    return Measure.objects.create(
        code=code or f"M{n}",
        name=kw.pop("name", f"Insats {n}"),
        category=MeasureCategory.objects.get(code=category),
        **kw,
    )


def make_placement(enrolment: Enrolment, measure: Measure | None = None, **kw) -> Placement:
    n = next(_seq)
    defaults = {
        "external_id": f"PL{n}",
        "enrolment": enrolment,
        "measure": measure or make_measure(),
        "start_date": enrolment.start_date,
    }
    defaults.update(kw)
    return Placement.objects.create(**defaults)


def make_referral(sender: User, unit: Unit, person: Person | None = None, **kw) -> Referral:
    defaults = {
        "unit": unit,
        "person": person or make_person(),
        "sender": sender,
        "referral_source": ReferralSource.objects.get(code="EKB"),
        "reason": "Behöver stöd att komma ut i arbete.",
        "received_date": dt.date(2024, 1, 10),
    }
    defaults.update(kw)
    return Referral.objects.create(**defaults)
