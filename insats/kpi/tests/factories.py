"""Builders for the rows the shared builders in insats.core.testing do not cover."""

import datetime as dt
from decimal import Decimal

from insats.core import testing
from insats.enrolments.models import Enrolment, Followup
from insats.organisation.models import Administration, Board, Municipality
from insats.youth.models import YouthApplication


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def make_followup(enrolment: Enrolment, months_after: int, status: str) -> Followup:
    return Followup.objects.create(enrolment=enrolment, months_after=months_after, status_id=status)


def make_application(
    season: str,
    status: str,
    gender: str = "K",
    birth_date: str = "2005-03-01",
    municipality: Municipality | None = None,
) -> YouthApplication:
    """An application to `municipality` (the default municipality when not given)."""
    return YouthApplication.objects.create(
        season=season,
        status_id=status,
        gender=gender,
        birth_date=d(birth_date),
        municipality=municipality or Municipality.default(),
    )


def make_two_municipalities() -> dict:
    """The data set of the scope tests (tables in insats/kpi/tests/test_scope.py): returns the
    municipalities, boards, units, enrolments (`e`) and the unit-id sets A, X, Y and B."""
    muni_a = Municipality.default()
    muni_b = Municipality.objects.create(code="9999", name="Bkommun")
    board_x = Board.objects.create(municipality=muni_a, name="Nämnd X")
    board_y = Board.objects.create(municipality=muni_a, name="Nämnd Y")
    board_z = Board.objects.create(municipality=muni_b, name="Nämnd Z")
    adm_x = Administration.objects.create(board=board_x, name="Förvaltning X")
    adm_y = Administration.objects.create(board=board_y, name="Förvaltning Y")
    adm_z = Administration.objects.create(board=board_z, name="Förvaltning Z")
    a1 = testing.make_unit("A1", municipality=muni_a, administration=adm_x)
    a2 = testing.make_unit("A2", municipality=muni_a, administration=adm_x)
    a3 = testing.make_unit("A3", municipality=muni_a, administration=adm_y)
    empty = testing.make_unit("A_TOM", municipality=muni_a)
    b1 = testing.make_unit("B1", municipality=muni_b, administration=adm_z)
    p1 = testing.make_person(gender="K", birth_date=d("1990-01-01"))
    p2 = testing.make_person(gender="M", birth_date=d("2000-06-01"))
    p3 = testing.make_person(gender="K", birth_date=d("1985-01-01"))
    p4 = testing.make_person(gender="M", birth_date=d("1970-01-01"))
    training = testing.make_measure("TRAIN", category="ARBETSTRANING")
    jobsearch = testing.make_measure("SEARCH", category="JOBBSOK")
    e = {
        "p1a1": testing.make_enrolment(p1, a1, start_date=d("2024-01-10"),
                                       end_date=d("2024-03-01"),
                                       closure_reason="ARBETE_UTAN_STOD"),
        "p1a2": testing.make_enrolment(p1, a2, start_date=d("2024-05-01")),
        "p2a1": testing.make_enrolment(p2, a1, start_date=d("2024-02-01"),
                                       end_date=d("2024-06-30"), closure_reason="AVBROTT",
                                       plan_date=d("2024-02-15")),
        "p3a3": testing.make_enrolment(p3, a3, start_date=d("2024-03-01"),
                                       end_date=d("2024-04-01"),
                                       closure_reason="STUDIER_REGULJARA"),
        "p4b1": testing.make_enrolment(p4, b1, start_date=d("2024-01-05"),
                                       end_date=d("2024-02-05"),
                                       closure_reason="ARBETE_UTAN_STOD"),
        "p1b1": testing.make_enrolment(p1, b1, start_date=d("2024-07-01")),
    }
    testing.make_placement(e["p1a2"], training, cost_sek=Decimal("3000"))
    testing.make_placement(e["p2a1"], training, end_date=d("2024-02-29"),
                           cost_sek=Decimal("1000"))
    testing.make_placement(e["p3a3"], jobsearch, end_date=d("2024-04-01"),
                           cost_sek=Decimal("600"))
    testing.make_placement(e["p4b1"], training, end_date=d("2024-02-05"),
                           cost_sek=Decimal("5000"))
    make_followup(e["p1a1"], 12, "ARBETE")
    make_followup(e["p4b1"], 12, "FORSORJNINGSSTOD")
    return {
        "muni_a": muni_a, "muni_b": muni_b, "x": board_x, "y": board_y, "z": board_z,
        "a1": a1, "a2": a2, "a3": a3, "empty": empty, "b1": b1, "e": e,
        "A": frozenset({a1.pk, a2.pk, a3.pk, empty.pk}), "X": frozenset({a1.pk, a2.pk}),
        "Y": frozenset({a3.pk}), "B": frozenset({b1.pk}),
    }
