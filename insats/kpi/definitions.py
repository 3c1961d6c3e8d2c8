"""The registry of indicators (indikatorer): one place that says what each figure means.

Every figure shown anywhere in Insats carries the `definition` text of its indicator, so that
the people who read a figure and the people who record the data share one definition. The
definitions follow the interchange format's "Indicator definitions" (docs: interchange README).

Breakdowns (`--by`): a breakdown restricts the figure's rows to those of one group and computes
the same figure for them. Groups are keyed by the enrolment's (or, for summer jobs, the
application's) attribute:

- `gender`: the person's gender (`K`, `M`, `X`).
- `age_band`: age in whole years at the enrolment's start_date (`-19`, `20-24`, `25-29`,
  `30-49`, `50-`); for summer-job applications the age the applicant reaches during the
  season's year (season year − birth year), because an application has no start date.
- `need_category`: `AM1`, `AM2`, `AM3`, or the empty string when not known.
- `unit`: the unit code; `referral_source`: the referral-source code.
- `measure_category`: an enrolment counts in every category in which it had a placement (any
  placement of the enrolment, whatever its dates), so these groups do not add up to the total.
- `season`: the season code of a summer-job application, e.g. `2021-SOMMAR`.

`deltagare` counts persons. So that its groups add up to the total, a person with several
enrolments active in the period is counted once, in the group of their most recently started
enrolment in the period (the latest start_date; the higher id on a tie). For `measure_category`
a person counts in every category of any of their enrolments active in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    COUNT = "count"  # integer, numerator and denominator not reported
    SHARE = "share"  # fraction 0–1 with numerator and denominator
    MEDIAN = "median"  # weeks
    AMOUNT = "amount"  # kronor per participant, with the sum and the number of participants


class Population(StrEnum):
    ENROLMENTS = "enrolments"
    YOUTH = "youth"


ENROLMENT_DIMENSIONS = (
    "gender",
    "age_band",
    "need_category",
    "unit",
    "referral_source",
    "measure_category",
)
YOUTH_DIMENSIONS = ("gender", "age_band", "season")
ALL_DIMENSIONS = (*ENROLMENT_DIMENSIONS, "season")

DIMENSION_NAMES = {
    "gender": _("Kön"),
    "age_band": _("Åldersgrupp"),
    "need_category": _("Behovskategori"),
    "unit": _("Enhet"),
    "referral_source": _("Uppdragsgivare"),
    "measure_category": _("Insatskategori"),
    "season": _("Period för feriejobb"),
}

AGE_BANDS = ("-19", "20-24", "25-29", "30-49", "50-")
WORK_OR_STUDIES = ("arbete", "studier")
FOLLOWUP_SUPPORT = "FORSORJNINGSSTOD"
FOLLOWUP_UNKNOWN = "OKAND"

BREAKDOWN_NOTE = _(
    "Vid uppdelning räknas samma mått för varje grupp. Grupperna summerar till totalen utom vid "
    "uppdelning på insatskategori, där en inskrivning räknas i varje kategori den haft en "
    "placering i."
)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    kind: Kind
    population: Population
    # For summer jobs: the YouthStatus flag an application must have (None = all applications).
    youth_flag: str | None = None

    @property
    def dimensions(self) -> tuple[str, ...]:
        if self.population is Population.YOUTH:
            return YOUTH_DIMENSIONS
        return ENROLMENT_DIMENSIONS


_SEASON_RULE = _(
    " Räknas per period för feriejobb (t.ex. 2021-SOMMAR); en period räknas när dess år ligger "
    "inom den valda perioden, dvs. från-datumets år ≤ året ≤ till-datumets år. Ålder = periodens "
    "år minus födelseår."
)


def _youth(code: str, name: str, text: str, flag: str | None) -> Indicator:
    return Indicator(
        code=code,
        name=name,
        definition=format_lazy("{}{}", text, _SEASON_RULE),
        kind=Kind.COUNT,
        population=Population.YOUTH,
        youth_flag=flag,
    )


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator(
            "deltagare",
            _("Deltagare"),
            _(
                "Antal personer med en inskrivning som pågått minst en dag under perioden "
                "(startdatum senast periodens sista dag och slutdatum tomt eller tidigast "
                "periodens första dag). Varje person räknas en gång; vid uppdelning i gruppen "
                "för personens senast påbörjade inskrivning under perioden."
            ),
            Kind.COUNT,
            Population.ENROLMENTS,
        ),
        Indicator(
            "nya",
            _("Nya inskrivningar"),
            _("Antal inskrivningar med startdatum inom perioden."),
            Kind.COUNT,
            Population.ENROLMENTS,
        ),
        Indicator(
            "avslutade",
            _("Avslutade inskrivningar"),
            _("Antal inskrivningar med slutdatum inom perioden."),
            Kind.COUNT,
            Population.ENROLMENTS,
        ),
        Indicator(
            "andel_arbete_studier",
            _("Andel avslutade till arbete eller studier"),
            _(
                "Av inskrivningarna som avslutats under perioden: andelen vars avslutsorsak hör "
                "till utfallsgruppen arbete eller studier (motsvarar Koladas ”deltagare som "
                "börjat arbeta eller studera”). Täljare och nämnare redovisas."
            ),
            Kind.SHARE,
            Population.ENROLMENTS,
        ),
        Indicator(
            "median_veckor",
            _("Mediantid i insats (veckor)"),
            _(
                "Median av (slutdatum − startdatum) i dagar delat med 7 för inskrivningar som "
                "avslutats under perioden. Vid jämnt antal medelvärdet av de två mittersta."
            ),
            Kind.MEDIAN,
            Population.ENROLMENTS,
        ),
        Indicator(
            "plan_inom_3_man",
            _("Andel med plan inom 3 månader"),
            _(
                "Av inskrivningar som startat under perioden: andelen där första planen "
                "fastställts senast tre kalendermånader efter startdatum (till månadens sista "
                "dag när dagen saknas, t.ex. 30 nov → 29 feb). Inskrivningar utan plandatum "
                "räknas som ej uppfyllda."
            ),
            Kind.SHARE,
            Population.ENROLMENTS,
        ),
        Indicator(
            "ej_forsorjningsstod_12_man",
            _("Andel utan försörjningsstöd 12 månader efter avslut"),
            _(
                "Av 12-månadersuppföljningar av inskrivningar som avslutats under perioden: "
                "andelen med annan status än ”Har försörjningsstöd”. Uppföljningar med status "
                "”Okänt / ej nådd” räknas inte i nämnaren."
            ),
            Kind.SHARE,
            Population.ENROLMENTS,
        ),
        Indicator(
            "kostnad_per_deltagare",
            _("Kostnad per deltagare (kr)"),
            _(
                "Summan av direkt kostnad för placeringar som startat under perioden delat med "
                "antalet deltagare under perioden. Vid uppdelning: kostnaden för placeringar i "
                "gruppens inskrivningar delat med gruppens deltagare."
            ),
            Kind.AMOUNT,
            Population.ENROLMENTS,
        ),
        _youth("ferie_sokande", _("Feriejobb: sökande"), _("Antal ansökningar."), None),
        _youth(
            "ferie_giltiga",
            _("Feriejobb: giltiga ansökningar"),
            _("Antal ansökningar vars status räknas som giltig ansökan."),
            "valid",
        ),
        _youth(
            "ferie_erbjudna",
            _("Feriejobb: erbjudna"),
            _("Antal ansökningar vars status innebär att ett erbjudande lämnats."),
            "offered",
        ),
        _youth(
            "ferie_tackat_ja",
            _("Feriejobb: tackat ja"),
            _("Antal ansökningar vars status innebär att erbjudandet antagits."),
            "accepted",
        ),
        _youth(
            "ferie_borjat",
            _("Feriejobb: påbörjat"),
            _("Antal ansökningar vars status innebär att arbetet påbörjats."),
            "started",
        ),
    )
}


def get(code: str) -> Indicator | None:
    return INDICATORS.get(code)
