"""Indicators limited to a scope (urval) of units, on hand-computed data in two municipalities.

Municipality A (the default one) has board X (units a1, a2) and board Y (unit a3) and an empty
unit; municipality B has unit b1. All of 2024:

| enr. | person    | unit | start      | end        | closure | placement (from start)        |
|------|-----------|------|------------|------------|---------|-------------------------------|
| p1a1 | p1 K 1990 | a1   | 2024-01-10 | 2024-03-01 | arbete  | – ; 12 m follow-up ARBETE      |
| p1a2 | p1        | a2   | 2024-05-01 | –          | –       | TRAIN 3000 kr, open            |
| p2a1 | p2 M 2000 | a1   | 2024-02-01 | 2024-06-30 | avbrott | TRAIN 1000 kr to 02-29; plan 02-15 |
| p3a3 | p3 K 1985 | a3   | 2024-03-01 | 2024-04-01 | studier | SEARCH 600 kr to 04-01         |
| p4b1 | p4 M 1970 | b1   | 2024-01-05 | 2024-02-05 | arbete  | TRAIN 5000 kr to 02-05; 12 m FS |
| p1b1 | p1        | b1   | 2024-07-01 | –          | –       | –                              |

TRAIN is an ARBETSTRANING measure, SEARCH a JOBBSOK measure, both without unit.

p1 has enrolments in both municipalities: in A's figures p1's group is that of the latest
enrolment *in A* (p1a2), in the whole database that of p1b1.
"""

import pytest
from django.core.management import call_command

from insats.accounts.models import Role
from insats.core import testing
from insats.kpi import definitions, queries, scope, services
from insats.kpi.definitions import Population
from insats.kpi.tests.factories import d, make_application, make_two_municipalities

pytestmark = pytest.mark.django_db

YEAR = (d("2024-01-01"), d("2024-12-31"))


@pytest.fixture
def world(db):
    return make_two_municipalities()


def kpi(code, units, by=None):
    return services.compute(code, *YEAR, by=by, unit_ids=units)


def figure(result):
    return (result.value, result.numerator, result.denominator)


def groups(result):
    return {g.key: (g.value, g.numerator, g.denominator) for g in result.groups}


# --- Which units a scope holds ------------------------------------------------------------------


def test_units_of_municipality_and_board(world):
    assert scope.units_of_municipality(world["muni_a"].pk) == world["A"]
    assert scope.units_of_municipality(world["muni_b"].pk) == world["B"]
    assert scope.units_of_municipality(None) == frozenset()
    assert scope.units_of_board(world["x"]) == world["X"]
    assert scope.units_of_board(world["y"].pk) == world["Y"]


def test_board_never_gets_another_municipalitys_unit(world):
    # A misconfigured unit of B filed under X's administration is not X's.
    stray = testing.make_unit("B_FEL", municipality=world["muni_b"],
                              administration=world["a1"].administration)
    assert stray.pk not in scope.units_of_board(world["x"])
    assert scope.units_of_board(world["x"]) == world["X"]


def test_user_scope_is_the_users_municipality_and_never_everything(world):
    controller = testing.make_user(Role.CONTROLLER)
    assert scope.units_for_user(controller) == world["A"]
    chef_b = testing.make_user(Role.ENHETSCHEF, world["b1"])
    assert scope.units_for_user(chef_b) == world["B"]
    homeless = testing.make_user(Role.CONTROLLER)
    homeless.municipality = None
    homeless.save()
    assert scope.units_for_user(homeless) == frozenset()
    controller.is_active = False
    assert scope.units_for_user(controller) == frozenset()


def test_unit_ids_must_be_primary_keys():
    with pytest.raises(TypeError):
        scope.normalise(["A1"])
    assert scope.normalise(None) is None
    assert scope.normalise([3, 1, 3]) == frozenset({1, 3})
    assert scope.cache_key(None) == "all"
    assert scope.cache_key([2, 1]) == scope.cache_key((1, 2)) != scope.cache_key([1])


# --- Indicators in a scope ----------------------------------------------------------------------


def test_deltagare_counts_distinct_persons_of_the_scope(world):
    assert kpi("deltagare", None).value == 4
    assert kpi("deltagare", world["A"]).value == 3  # p1 (twice in A), p2, p3
    assert kpi("deltagare", world["X"]).value == 2  # p1, p2
    assert kpi("deltagare", world["Y"]).value == 1
    assert kpi("deltagare", world["B"]).value == 2  # p4, p1


def test_deltagare_breakdowns_use_the_latest_enrolment_within_the_scope(world):
    assert groups(kpi("deltagare", None, "unit")) == {
        "A1": (1, None, None), "A3": (1, None, None), "B1": (2, None, None)}
    assert groups(kpi("deltagare", world["A"], "unit")) == {
        "A1": (1, None, None), "A2": (1, None, None), "A3": (1, None, None)}
    assert groups(kpi("deltagare", world["A"], "gender")) == {
        "K": (2, None, None), "M": (1, None, None)}
    assert groups(kpi("deltagare", world["B"], "gender")) == {
        "K": (1, None, None), "M": (1, None, None)}
    assert groups(kpi("deltagare", world["A"], "measure_category")) == {
        "ARBETSTRANING": (2, None, None), "JOBBSOK": (1, None, None)}
    assert groups(kpi("deltagare", None, "measure_category")) == {
        "ARBETSTRANING": (3, None, None), "JOBBSOK": (1, None, None)}


def test_counts_of_new_and_closed(world):
    assert (kpi("nya", world["A"]).value, kpi("nya", world["B"]).value) == (4, 2)
    assert (kpi("avslutade", world["A"]).value, kpi("avslutade", world["B"]).value) == (3, 1)
    assert groups(kpi("avslutade", world["X"], "gender")) == {
        "K": (1, None, None), "M": (1, None, None)}


def test_share_to_work_or_studies(world):
    assert figure(kpi("andel_arbete_studier", None)) == (3 / 4, 3, 4)
    assert figure(kpi("andel_arbete_studier", world["A"])) == (2 / 3, 2, 3)
    assert figure(kpi("andel_arbete_studier", world["X"])) == (1 / 2, 1, 2)
    assert figure(kpi("andel_arbete_studier", world["Y"])) == (1.0, 1, 1)
    assert figure(kpi("andel_arbete_studier", world["B"])) == (1.0, 1, 1)
    assert groups(kpi("andel_arbete_studier", world["A"], "gender")) == {
        "K": (1.0, 2, 2), "M": (0.0, 0, 1)}
    assert groups(kpi("andel_arbete_studier", world["A"], "unit")) == {
        "A1": (0.5, 1, 2), "A3": (1.0, 1, 1)}


def test_cost_per_participant(world):
    assert figure(kpi("kostnad_per_deltagare", None)) == (9600 / 4, 9600.0, 4)
    assert figure(kpi("kostnad_per_deltagare", world["A"])) == (4600 / 3, 4600.0, 3)
    assert figure(kpi("kostnad_per_deltagare", world["X"])) == (2000.0, 4000.0, 2)
    assert figure(kpi("kostnad_per_deltagare", world["B"])) == (2500.0, 5000.0, 2)
    assert groups(kpi("kostnad_per_deltagare", world["A"], "gender")) == {
        "K": (1800.0, 3600.0, 2), "M": (1000.0, 1000.0, 1)}


def test_median_plan_and_followup(world):
    # X closed p1a1 after 51 days and p2a1 after 150: (51 + 150) / 2 / 7 weeks.
    assert kpi("median_veckor", world["X"]).value == pytest.approx(100.5 / 7)
    assert kpi("median_veckor", world["B"]).value == pytest.approx(31 / 7)
    assert figure(kpi("plan_inom_3_man", world["A"])) == (1 / 4, 1, 4)
    assert figure(kpi("plan_inom_3_man", world["B"])) == (0.0, 0, 2)
    assert figure(kpi("ej_forsorjningsstod_12_man", None)) == (1 / 2, 1, 2)
    assert figure(kpi("ej_forsorjningsstod_12_man", world["A"])) == (1.0, 1, 1)
    assert figure(kpi("ej_forsorjningsstod_12_man", world["B"])) == (0.0, 0, 1)


def test_empty_scope_counts_nothing_like_a_unit_without_enrolments(world):
    """The empty scope is answered without a query; it must equal what SQL gives for a unit
    that holds nothing."""
    nothing = [world["empty"].pk]
    for code, indicator in definitions.INDICATORS.items():
        if indicator.population is not Population.ENROLMENTS:
            continue
        assert figure(kpi(code, frozenset())) == figure(kpi(code, nothing)), code
        for dim in indicator.dimensions:
            assert groups(kpi(code, [], dim)) == groups(kpi(code, nothing, dim)) == {}, code


# Summer-job applications by municipality (C has no units), all of 2024 unless noted:
#
# | municipality | season      | status    | gender | valid offered accepted started |
# |--------------|-------------|-----------|--------|--------------------------------|
# | A            | 2024-SOMMAR | ANSOKT    | K      | 1     0       0        0       |
# | A            | 2024-SOMMAR | BORJAT    | M      | 1     1       1        1       |
# | A            | 2024-SOMMAR | OGILTIG   | K      | 0     0       0        0       |
# | A            | 2023-SOMMAR | BORJAT    | K      | (another year: never counted)  |
# | B            | 2024-SOMMAR | TACKAT_JA | K      | 1     1       1        0       |
# | B            | 2024-HOST   | BORJAT    | M      | 1     1       1        1       |
# | B            | 2024-SOMMAR | GENOMFORT | M      | 1     1       1        1       |
# | C            | 2024-SOMMAR | ANSOKT    | K      | 1     0       0        0       |
#
# Funnel (sökande, giltiga, erbjudna, tackat ja, påbörjat): A 3 2 1 1 1; B 3 3 3 3 2;
# C 1 1 0 0 0; the whole database 7 6 4 4 3.
FUNNEL = ("ferie_sokande", "ferie_giltiga", "ferie_erbjudna", "ferie_tackat_ja", "ferie_borjat")


@pytest.fixture
def summer_jobs(world):
    from insats.organisation.models import Municipality

    muni_c = Municipality.objects.create(code="8888", name="Ckommun")
    a, b = world["muni_a"], world["muni_b"]
    for season, status, gender, municipality in (
        ("2024-SOMMAR", "ANSOKT", "K", a),
        ("2024-SOMMAR", "BORJAT", "M", a),
        ("2024-SOMMAR", "OGILTIG", "K", a),
        ("2023-SOMMAR", "BORJAT", "K", a),
        ("2024-SOMMAR", "TACKAT_JA", "K", b),
        ("2024-HOST", "BORJAT", "M", b),
        ("2024-SOMMAR", "GENOMFORT", "M", b),
        ("2024-SOMMAR", "ANSOKT", "K", muni_c),
    ):
        make_application(season, status, gender=gender, municipality=municipality)
    return world


def funnel(units):
    return [kpi(code, units).value for code in FUNNEL]


def test_summer_jobs_count_the_applications_of_the_scopes_municipalities(summer_jobs):
    w = summer_jobs
    assert funnel(None) == [7, 6, 4, 4, 3]
    assert funnel(w["A"]) == [3, 2, 1, 1, 1]
    assert funnel(w["B"]) == [3, 3, 3, 3, 2]
    assert funnel(w["X"] | w["B"]) == [6, 5, 4, 4, 3]
    # A board's units: its municipality's applications (they are not filed per board).
    assert funnel(scope.units_of_board(w["x"])) == [3, 2, 1, 1, 1]
    assert funnel(scope.units_of_board(w["y"])) == [3, 2, 1, 1, 1]
    assert funnel(scope.units_of_board(w["z"])) == [3, 3, 3, 3, 2]
    # A unit without enrolments still stands for its municipality.
    assert funnel([w["empty"].pk]) == [3, 2, 1, 1, 1]


def test_summer_jobs_of_a_scope_by_gender_and_season(summer_jobs):
    w = summer_jobs
    assert groups(kpi("ferie_sokande", w["X"], "gender")) == {
        "K": (2, None, None), "M": (1, None, None)}
    assert groups(kpi("ferie_borjat", w["B"], "season")) == {
        "2024-HOST": (1, None, None), "2024-SOMMAR": (1, None, None)}
    assert groups(kpi("ferie_sokande", None, "gender")) == {
        "K": (4, None, None), "M": (3, None, None)}


def test_summer_jobs_of_the_empty_scope_and_of_unknown_units_are_none(summer_jobs):
    assert funnel(frozenset()) == [0, 0, 0, 0, 0]
    assert groups(kpi("ferie_sokande", [], "gender")) == {}
    assert funnel([987654]) == [0, 0, 0, 0, 0]  # no such unit, so no municipality


def test_summer_jobs_of_a_user_are_their_municipalitys(summer_jobs):
    user_b = testing.make_user(Role.ENHETSCHEF, summer_jobs["b1"])
    assert funnel(scope.units_for_user(user_b)) == [3, 3, 3, 3, 2]


# --- The enrolments behind a figure ---------------------------------------------------------


def behind(code, units, group=None):
    return set(services.enrolments_behind(code, *YEAR, group, unit_ids=units))


def test_enrolments_behind_follow_the_scope(world):
    e = world["e"]
    assert behind("andel_arbete_studier", world["X"]) == {e["p1a1"], e["p2a1"]}
    assert behind("andel_arbete_studier", world["X"], ("gender", "M")) == {e["p2a1"]}
    assert behind("andel_arbete_studier", None) == {
        e["p1a1"], e["p2a1"], e["p3a3"], e["p4b1"]}
    assert behind("deltagare", world["A"], ("unit", "A2")) == {e["p1a2"]}
    assert behind("deltagare", None, ("unit", "A2")) == set()  # p1 is in B1 over everything
    assert behind("kostnad_per_deltagare", world["B"]) == {e["p4b1"], e["p1b1"]}
    assert behind("deltagare", frozenset()) == set()
    assert services.enrolments_behind("deltagare", *YEAR, unit_ids=[]).count() == 0


# --- The SQL ----------------------------------------------------------------------------------


def test_scope_is_one_parameterised_predicate_only_when_scoped(world):
    period = queries.Period(*YEAR)
    for code, indicator in definitions.INDICATORS.items():
        for dim in (None, *indicator.dimensions):
            unscoped, params = queries.row_set(indicator, period, dim).query.sql_with_params()
            assert "unit_id\" IN" not in unscoped, (code, dim)
            assert "municipality_id\" IN" not in unscoped, (code, dim)
            if indicator.population is Population.YOUTH:
                units = frozenset({987654, 987655})
                scoped, scoped_params = queries.row_set(
                    indicator, period, dim, units
                ).query.sql_with_params()
                # One subquery: the municipalities of the scope's units.
                assert scoped.count("\"municipality_id\" IN (SELECT") == 1, (code, dim)
                assert "987654" not in scoped
                assert 987654 in scoped_params and 987655 in scoped_params
            if indicator.population is Population.ENROLMENTS:
                units = frozenset({987654, 987655})
                scoped, scoped_params = queries.row_set(
                    indicator, period, dim, units
                ).query.sql_with_params()
                assert "unit_id\" IN (" in scoped, (code, dim)
                assert "987654" not in scoped  # a parameter, not spliced into the SQL
                assert 987654 in scoped_params and 987655 in scoped_params
                assert len(scoped_params) > len(params)


def test_cli_counts_the_whole_database(world, capsys):
    call_command("kpi", "deltagare", "--from", "2024-01-01", "--to", "2024-12-31", "--json")
    assert '"value": 4' in capsys.readouterr().out


def test_unscoped_compute_is_unchanged(world):
    # The default and an explicit None are the whole database.
    assert figure(services.compute("andel_arbete_studier", *YEAR)) == figure(
        kpi("andel_arbete_studier", None)
    )
