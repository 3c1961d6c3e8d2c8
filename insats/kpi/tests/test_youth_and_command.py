"""Summer-job funnel per season, and the `insats kpi` command's output."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from insats.core import testing
from insats.kpi import services
from insats.kpi.tests.factories import d, make_application

pytestmark = pytest.mark.django_db

FUNNEL = ("ferie_sokande", "ferie_giltiga", "ferie_erbjudna", "ferie_tackat_ja", "ferie_borjat")


@pytest.fixture
def seasons():
    for status in ("ANSOKT", "OGILTIG", "ERBJUDEN", "TACKAT_NEJ", "TACKAT_JA", "BORJAT",
                   "GENOMFORT", "AVBROTT"):
        make_application("2021-SOMMAR", status, gender="M" if status == "BORJAT" else "K")
    make_application("2021-HOST", "BORJAT", gender="M", birth_date="2001-01-01")
    make_application("2021-HOST", "OGILTIG", birth_date="2002-12-31")
    make_application("2022-SOMMAR", "BORJAT")
    make_application("2020-SOMMAR", "BORJAT")


def funnel(date_from, date_to):
    return [services.compute(code, d(date_from), d(date_to)).value for code in FUNNEL]


def test_funnel_follows_the_status_flags(seasons):
    assert funnel("2021-01-01", "2021-12-31") == [10, 8, 7, 5, 4]


def test_a_season_counts_when_its_year_lies_in_the_period(seasons):
    assert funnel("2021-07-01", "2021-07-31") == [10, 8, 7, 5, 4]
    assert funnel("2021-06-01", "2022-05-31") == [11, 9, 8, 6, 5]
    assert funnel("2023-01-01", "2023-12-31") == [0, 0, 0, 0, 0]


def test_funnel_per_season_gender_and_age(seasons):
    by_season = services.compute("ferie_borjat", d("2020-01-01"), d("2022-12-31"), by="season")
    assert [(g.key, g.value) for g in by_season.groups] == [
        ("2020-SOMMAR", 1), ("2021-HOST", 1), ("2021-SOMMAR", 3), ("2022-SOMMAR", 1),
    ]
    by_gender = services.compute("ferie_sokande", d("2021-01-01"), d("2021-12-31"), by="gender")
    assert [(g.key, g.value) for g in by_gender.groups] == [("K", 8), ("M", 2)]
    # Age is season year − birth year: born 2001 → 20 in 2021, born 2002-12-31 → 19.
    by_age = services.compute("ferie_sokande", d("2021-01-01"), d("2021-12-31"), by="age_band")
    assert [(g.key, g.value) for g in by_age.groups] == [("-19", 9), ("20-24", 1)]


def run(*args) -> str:
    out = io.StringIO()
    call_command("kpi", *args, stdout=out)
    return out.getvalue()


def test_json_output_of_a_share():
    for gender, reason in (("K", "ARBETE_UTAN_STOD"), ("K", "AVBROTT"), ("M", "STUDIER_REGULJARA")):
        testing.make_enrolment(testing.make_person(gender=gender), start_date=d("2024-01-01"),
                               end_date=d("2024-03-01"), closure_reason=reason)
    data = json.loads(run("andel_arbete_studier", "--from", "2024-01-01", "--to", "2024-12-31",
                          "--by", "gender", "--json"))
    assert data == {
        "kpi": "andel_arbete_studier", "from": "2024-01-01", "to": "2024-12-31",
        "value": 2 / 3, "numerator": 2, "denominator": 3,
        "groups": [
            {"gender": "K", "value": 0.5, "numerator": 1, "denominator": 2},
            {"gender": "M", "value": 1.0, "numerator": 1, "denominator": 1},
        ],
    }
    assert list(data) == ["kpi", "from", "to", "value", "numerator", "denominator", "groups"]


def test_json_output_of_a_count_and_a_median():
    testing.make_enrolment(start_date=d("2024-01-01"), end_date=d("2024-01-15"),
                           closure_reason="AVBROTT")
    count = json.loads(run("nya", "--from", "2024-01-01", "--to", "2024-01-31", "--json"))
    assert count == {"kpi": "nya", "from": "2024-01-01", "to": "2024-01-31", "value": 1,
                     "numerator": None, "denominator": None, "groups": []}
    assert isinstance(count["value"], int)
    weeks = json.loads(run("median_veckor", "--from", "2024-01-01", "--to", "2024-01-31",
                           "--json"))
    assert weeks["value"] == 2.0 and isinstance(weeks["value"], float)


def test_json_output_of_cost_per_participant():
    enrolment = testing.make_enrolment(start_date=d("2024-01-01"))
    testing.make_placement(enrolment, cost_sek=1234)
    data = json.loads(run("kostnad_per_deltagare", "--from", "2024-01-01", "--to", "2024-12-31",
                          "--json"))
    assert (data["value"], data["numerator"], data["denominator"]) == (1234.0, 1234.0, 1)


def test_readable_swedish_table(seasons):
    text = run("ferie_erbjudna", "--from", "2021-01-01", "--to", "2021-12-31", "--by", "season")
    assert "Feriejobb: erbjudna" in text
    assert "Definition:" in text
    assert "2021-SOMMAR" in text and "Totalt" in text


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (("okand", "--from", "2024-01-01", "--to", "2024-12-31"), "KOD"),
        (("nya", "--from", "2024-1-1", "--to", "2024-12-31"), "--from"),
        (("nya", "--from", "2024-01-01", "--to", "2024-02-30"), "--to"),
        (("nya", "--from", "2024-12-31", "--to", "2024-01-01"), "--to"),
        (("nya", "--from", "2024-01-01", "--to", "2024-12-31", "--by", "kommun"), "--by"),
        (("ferie_borjat", "--from", "2024-01-01", "--to", "2024-12-31", "--by", "unit"), "--by"),
    ],
)
def test_bad_arguments_are_clear_errors(args, where):
    with pytest.raises(CommandError) as exc:
        run(*args, "--json")
    assert str(exc.value).startswith(f"{where}: ")
