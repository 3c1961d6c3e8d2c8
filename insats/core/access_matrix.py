"""The access matrix as data: for every URL name, what each role gets for an object of its own
unit and for an object of another unit (role × action × relation to the object).

`insats/core/tests/test_access_matrix.py` walks every URL pattern (pages, API routes, exports,
downloads) with every role and checks the outcome against this table; a route without an entry
fails that test. `docs/access-matrix.md` is generated from it (`python -m
insats.core.access_matrix > docs/access-matrix.md`); a test checks the two agree.

Outcomes:
    ok     access granted: 200, 201, 204, or a redirect that is not to sign-in
    400    refused for its content (the tests send empty bodies) before any role check;
           nothing is changed and no data is returned, a valid body then gets 403/404
    403    permission denied
    404    not found: the object is outside what the user may see, so not even its existence
           is confirmed
    405    the method is not offered
    login  not signed in: redirect to the sign-in page, or 401 from the API

Relations: "own" is an object of the user's own unit (for a remittent: from a referral they
sent; for controller and admin: the same unit, which they have no case access to anyway);
"other" is an object of another unit in the same municipality and of a unit in another
municipality (both are checked).
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("coach", "samordnare", "enhetschef", "remittent", "controller", "admin")
OUTCOMES = ("ok", "400", "403", "404", "405", "login")


@dataclass(frozen=True)
class Route:
    name: str
    kind: str  # page | api | export | download | service | auth | admin
    obj: str | None  # kind of object the path names, or None
    own: tuple[str, ...]  # outcome per role in ROLES order (the only row when obj is None)
    other: tuple[str, ...] | None = None
    anonymous: str = "login"
    methods: tuple[str, ...] = ("GET",)
    note: str = ""

    def expected(self, role: str, relation: str) -> str:
        if role == "anonymous":
            return self.anonymous
        row = self.other if relation == "other" and self.other is not None else self.own
        return row[ROLES.index(role)]


def _row(text: str) -> tuple[str, ...]:
    values = tuple(text.split())
    assert len(values) == len(ROLES) and set(values) <= set(OUTCOMES), text
    return values


def R(name, kind, obj, own, other=None, **kw) -> Route:  # noqa: N802 - table constructor
    return Route(name, kind, obj, _row(own), _row(other) if other else None, **kw)


ALL_OK = "ok ok ok ok ok ok"
ALL_LOGIN = "login login login login login login"
NO_ONE = "404 404 404 404 404 404"
UNIT_STAFF = "ok ok ok 403 403 403"
OTHER_UNIT = "404 404 404 403 403 403"
STAFF_INVALID = "400 400 400 403 403 403"
ALL_INVALID = "400 400 400 400 400 400"
API_STAFF = "ok ok ok 404 404 404"
API_STAFF_INVALID = "400 400 400 404 404 404"
GET_POST = ("GET", "POST")

# Admin pages are matched by prefix: the admin site holds configuration only (no personal data
# models are registered there; the test checks that too).
PREFIX_RULES = {
    "admin:": R("admin:*", "admin", None, "login login login login login ok",
                note="Konfiguration; endast administratörer (med tvåfaktorsinloggning)."),
}

MATRIX: tuple[Route, ...] = (
    # --- Start, service and sign-in ----------------------------------------------------------
    R("core:home", "page", None, ALL_OK),
    R("core:health", "service", None, ALL_OK, anonymous="ok", note="Hälsokontroll, inga data."),
    R("accounts:login", "auth", None, ALL_OK, anonymous="ok", methods=GET_POST),
    R("accounts:otp_verify", "auth", None, ALL_LOGIN, anonymous="login", methods=GET_POST,
      note="Andra steget; utan påbörjad inloggning skickas man till inloggningen."),
    R("accounts:otp_setup", "auth", None, ALL_OK, methods=GET_POST),
    R("accounts:logout", "auth", None, ALL_LOGIN, methods=("POST",),
      note="Loggar ut och visar inloggningssidan."),
    R("set_language", "service", None, ALL_OK, anonymous="ok", methods=("POST",)),
    # --- Persons -------------------------------------------------------------------------------
    R("persons:search", "page", None, "ok ok ok 403 403 403",
      note="Söker bara bland personer användaren får se. Remittenten ser personen bara i sina "
           "egna remisser, som de själva angav den."),
    R("persons:create", "page", None, "ok ok ok 403 403 403", methods=GET_POST),
    R("persons:detail", "page", "person", "ok ok ok 403 403 403", "404 404 404 403 403 403",
      note="Personakten är för enhetens personal; remittenten ser inte personakten."),
    R("persons:edit", "page", "person", "ok ok ok 403 403 403", "404 404 404 403 403 403",
      methods=GET_POST),
    # --- Referrals -----------------------------------------------------------------------------
    R("referrals:queue", "page", None, "403 ok ok 403 403 403"),
    R("referrals:create", "page", None, "403 ok 403 ok 403 403", methods=GET_POST),
    R("referrals:mine", "page", None, "403 ok 403 ok 403 403",
      note="Remisser användaren själv har skickat, med personen så som den angavs."),
    R("referrals:routine", "page", None, "403 403 ok 403 403 ok", methods=GET_POST,
      note="Fördelningsrutinen: enhetschefen för sin enhet, administratören för kommunens "
           "enheter (?enhet=kod)."),
    R("referrals:allocate", "page", "referral", "403 ok ok 403 403 403",
      "403 404 404 403 403 403", methods=GET_POST),
    R("referrals:reject", "page", "referral", "403 ok ok 403 403 403",
      "403 404 404 403 403 403", methods=GET_POST),
    R("referrals:add_attachments", "page", "referral", "403 403 403 ok 403 403",
      "403 404 403 404 403 403", methods=GET_POST,
      note="Bara den som skickade remissen, så länge den inte är fördelad."),
    R("referrals:attachment", "download", "referral_attachment", "ok ok ok ok 404 404", NO_ONE,
      note="Bilaga till en remiss: den som skickade remissen och enhetens personal; alla "
           "andra får 404. Hämtningen loggas."),
    # --- Enrolments ----------------------------------------------------------------------------
    R("enrolments:caseload", "page", None, UNIT_STAFF),
    R("enrolments:detail", "page", "enrolment", UNIT_STAFF, OTHER_UNIT,
      note="Remittenten får återkoppling via remissen och API:t, inte ärendesidan."),
    R("enrolments:edit", "page", "enrolment", UNIT_STAFF, OTHER_UNIT, methods=GET_POST),
    R("enrolments:add_note", "page", "enrolment", STAFF_INVALID, OTHER_UNIT, methods=("POST",)),
    R("enrolments:add_meeting", "page", "enrolment", STAFF_INVALID, OTHER_UNIT,
      methods=("POST",)),
    R("enrolments:close", "page", "enrolment", UNIT_STAFF, OTHER_UNIT, methods=GET_POST),
    R("enrolments:reopen", "page", "enrolment", "403 403 ok 403 403 403", OTHER_UNIT,
      methods=GET_POST, note="Bara enhetschefen återöppnar."),
    R("enrolments:followup", "page", "enrolment", UNIT_STAFF, OTHER_UNIT, methods=GET_POST),
    # --- Assessments and plans ------------------------------------------------------------------
    R("assessments:perform", "page", "enrolment", "ok ok ok 403 404 404", NO_ONE,
      methods=GET_POST),
    R("assessments:detail", "page", "assessment", "ok ok ok ok 404 404", NO_ONE),
    R("plans:create", "page", "enrolment", "ok ok ok 403 404 404", NO_ONE, methods=GET_POST),
    R("plans:edit", "page", "plan", "ok ok ok 403 404 404", NO_ONE, methods=GET_POST),
    R("plans:goal_add", "page", "plan", "ok ok ok 403 404 404", NO_ONE, methods=GET_POST),
    R("plans:goal_edit", "page", "goal", "ok ok ok 403 404 404", NO_ONE, methods=GET_POST),
    R("plans:goal_achieved", "page", "goal", "ok ok ok 403 404 404", NO_ONE, methods=("POST",)),
    R("plans:followup_add", "page", "plan", "ok ok ok 403 404 404", NO_ONE, methods=GET_POST),
    # --- Measures, placements, attendance ------------------------------------------------------
    R("measures:catalogue", "page", None, ALL_OK, note="Insatskatalogen: inga personuppgifter."),
    R("measures:detail", "page", "measure", ALL_OK, ALL_OK,
      note="Insatsen visas för alla; deltagarlistan bara med de inskrivningar man får se."),
    R("measures:placement_create", "page", "enrolment", "ok ok ok 403 404 404", NO_ONE,
      methods=GET_POST),
    R("measures:placement_end", "page", "placement", "ok ok ok 403 404 404", NO_ONE,
      methods=GET_POST),
    R("measures:placement_attendance", "page", "placement", "ok ok ok ok 404 404", NO_ONE,
      note="Remittenten ser närvaron i inskrivningar från egna remisser."),
    R("measures:placement_attendance", "page", "placement", "ok ok ok 403 404 404", NO_ONE,
      methods=("POST",)),
    R("measures:attendance_delete", "page", "attendance", "ok ok ok 403 404 404", NO_ONE,
      methods=("POST",)),
    R("measures:attendance_grid", "page", None, "ok ok ok ok 403 403",
      note="Visar bara placeringar i inskrivningar användaren får se."),
    # --- Surveys (enkäter) -----------------------------------------------------------------------
    R("surveys:public_start", "page", None, ALL_OK, anonymous="ok", methods=GET_POST,
      note="Publik: deltagaren skriver sin kod. Inga personuppgifter."),
    R("surveys:public_thanks", "page", None, ALL_OK, anonymous="ok"),
    R("surveys:public", "page", "survey_invitation", ALL_OK, ALL_OK, anonymous="ok",
      methods=GET_POST, note="Publik enkät via engångslänk; svaren sparas utan identitet."),
    R("surveys:results", "page", None, "403 403 ok 403 ok ok",
      note="Aggregat med små grupper dolda; fritext bara för enhetschefen."),
    R("surveys:employer", "page", None, "ok 403 ok 403 403 403", methods=GET_POST),
    R("surveys:offer", "page", "enrolment", UNIT_STAFF, OTHER_UNIT, methods=("POST",)),
    R("surveys:slip", "page", "enrolment", UNIT_STAFF, OTHER_UNIT),
    # --- Access log follow-up and register extracts (loggning, registerutdrag) ---------------
    R("audit:index", "page", None, "403 403 ok 403 403 ok",
      note="Logguppföljning: enhetschefen för sin enhets medarbetare, administratören för alla."),
    R("audit:person", "page", None, "403 403 ok 403 403 ok",
      note="Vem har öppnat en person (?person=id eller personnummer); uppslaget loggas."),
    R("audit:user", "page", None, "403 403 ok 403 403 ok",
      note="Vad en användare har öppnat (?anvandare=namn)."),
    R("privacy:extract", "page", None, "403 403 ok 403 403 ok", methods=GET_POST,
      note="Registerutdrag: enhetschefen för personer inskrivna vid enheten, administratören "
           "med angivet skäl; utdraget loggas."),
    R("privacy:grants", "page", None, "403 403 403 403 403 ok", methods=GET_POST,
      note="Behörighet till skyddad identitet per person: bara administratören ger och tar "
           "bort (med skäl, loggas); namn visas bara för den som får se skyddad identitet."),
    # --- Goals and the board's report (aggregates, no personal data) -------------------------
    R("goals:overview", "page", None, "ok ok ok 403 ok ok",
      note="Mål och måluppfyllelse för nämnder i den egna kommunen."),
    R("goals:edit_year", "page", None, "403 403 404 403 404 404", methods=GET_POST,
      note="Indikatorår anges i frågan (?indikator=&ar=); utan giltigt indikatorår 404."),
    # --- Follow-up: dashboard, cost, data quality (statistik) --------------------------------
    R("insights:dashboard", "page", None, "403 403 ok 403 ok ok",
      note="Aggregat för enhetschef, controller och administratör."),
    R("insights:drilldown", "page", "indicator_code", "ok ok ok 403 ok ok", "ok ok ok 403 ok ok",
      note="Underlaget bakom en siffra: inskrivningar bara så långt användaren får se dem."),
    R("insights:cost", "page", None, "403 403 ok 403 ok ok"),
    R("insights:cost_excel", "export", None, "403 403 ok 403 ok ok"),
    R("insights:budget", "page", None, "403 403 ok 403 ok ok", methods=GET_POST),
    R("insights:data_quality", "page", None, "ok ok ok 403 ok ok",
      note="Antal per regel; listor bara med inskrivningar användaren får se."),
    R("insights:data_quality_rule", "page", "quality_rule", "ok ok ok 403 ok ok",
      "ok ok ok 403 ok ok"),
    R("reports:board_report", "page", None, "403 403 ok 403 ok ok",
      note="Rapport till nämnden; små grupper döljs."),
    # --- REST API --------------------------------------------------------------------------------
    # Lists hold only what the user may see (empty for controller and admin). Writes validate
    # the body before the role check in the services, so empty bodies give 400 for everyone who
    # may see the object; objects outside what the user may see are always 404.
    R("api:person-list", "api", None, ALL_OK),
    R("api:person-list", "api", None, ALL_INVALID, methods=("POST",)),
    R("api:person-detail", "api", "person", API_STAFF, NO_ONE,
      note="Remittenten ser personen bara i sina remisser (api:referral-detail)."),
    R("api:person-detail", "api", "person", API_STAFF_INVALID, NO_ONE, methods=("PUT",)),
    R("api:person-detail", "api", "person", API_STAFF_INVALID, NO_ONE, methods=("PATCH",),
      note="En ändring måste skicka med updated_at som lästes (409 om någon annan hunnit före)."),
    R("api:enrolment-list", "api", None, ALL_OK),
    R("api:enrolment-detail", "api", "enrolment", API_STAFF, NO_ONE),
    R("api:enrolment-close", "api", "enrolment", API_STAFF_INVALID, NO_ONE, methods=("POST",)),
    R("api:enrolment-followups", "api", "enrolment", API_STAFF, NO_ONE),
    R("api:enrolment-followups", "api", "enrolment", API_STAFF_INVALID, NO_ONE,
      methods=("POST",)),
    R("api:enrolment-reopen", "api", "enrolment", API_STAFF_INVALID, NO_ONE, methods=("POST",),
      note="Bara enhetschefen återöppnar (403 från tjänsten för giltig begäran)."),
    R("api:referral-list", "api", None, ALL_OK),
    R("api:referral-list", "api", None, ALL_INVALID, methods=("POST",)),
    R("api:referral-detail", "api", "referral", "ok ok ok ok 404 404", NO_ONE),
    R("api:referral-allocate", "api", "referral", "403 400 400 403 404 404", NO_ONE,
      methods=("POST",)),
    R("api:referral-reject", "api", "referral", "403 400 400 403 404 404", NO_ONE,
      methods=("POST",)),
    R("api:referral-suggestion", "api", "referral", "403 ok ok 403 404 404", NO_ONE),
    R("api:placement-list", "api", None, ALL_OK),
    R("api:placement-list", "api", None, ALL_INVALID, methods=("POST",)),
    R("api:placement-detail", "api", "placement", "ok ok ok ok 404 404", NO_ONE),
    R("api:placement-detail", "api", "placement", "400 400 400 403 404 404", NO_ONE,
      methods=("PUT",)),
    R("api:placement-detail", "api", "placement", "ok ok ok 403 404 404", NO_ONE,
      methods=("PATCH",)),
    R("api:placement-end", "api", "placement", "400 400 400 403 404 404", NO_ONE,
      methods=("POST",)),
    R("api:attendance-list", "api", None, ALL_OK),
    R("api:attendance-list", "api", None, ALL_INVALID, methods=("POST",)),
    R("api:attendance-detail", "api", "attendance", "ok ok ok ok 404 404", NO_ONE),
    R("api:attendance-detail", "api", "attendance", "400 400 400 403 404 404", NO_ONE,
      methods=("PUT",)),
    R("api:attendance-detail", "api", "attendance", "ok ok ok 403 404 404", NO_ONE,
      methods=("PATCH",)),
    R("api-schema", "api", None, ALL_OK, note="API-beskrivningen, inga data."),
    R("api-docs", "api", None, ALL_OK),
    # --- Admin pages with their own rule (the rest: PREFIX_RULES) ------------------------------
    R("admin:login", "admin", None, ALL_LOGIN, note="Går till Insats inloggning."),
    R("admin:logout", "admin", None, "ok ok ok ok ok login", anonymous="ok", methods=("POST",),
      note="Utloggning; vidare till inloggningen."),
    R("admin:autocomplete", "admin", None, "login login login login login 403",
      note="Utan parametrar 403 även för administratören."),
    R("admin:privacy_retentionrun_add", "admin", None, "login login login login login 403",
      note="Gallringskörningar skrivs bara av `insats retention`; de kan inte läggas till."),
    R("admin:accounts_signinevent_add", "admin", None, "login login login login login 403",
      note="Inloggningsloggen skrivs bara vid inloggning; den går bara att läsa."),
)

BY_NAME: dict[str, list[Route]] = {}
for _route in MATRIX:
    BY_NAME.setdefault(_route.name, []).append(_route)


def routes_for(name: str) -> list[Route]:
    """The matrix entries for a URL name (one per group of methods), [] when it has none."""
    if name in BY_NAME:
        return BY_NAME[name]
    for prefix, rule in PREFIX_RULES.items():
        if name.startswith(prefix):
            return [rule]
    return []


ROLE_LABELS = {
    "anonymous": "ej inloggad",
    "coach": "coach",
    "samordnare": "samordnare",
    "enhetschef": "enhetschef",
    "remittent": "remittent",
    "controller": "controller",
    "admin": "admin",
}


def markdown() -> str:
    """docs/access-matrix.md, generated from MATRIX."""
    lines = [
        "# Access matrix (behörighetsmatris)",
        "",
        "Generated from `insats/core/access_matrix.py` by "
        "`python -m insats.core.access_matrix > docs/access-matrix.md`; do not edit by hand.",
        "`insats/core/tests/test_access_matrix.py` requests every route below with every role,",
        "for an object of the user's own unit and of another unit (same municipality, and",
        "another municipality), and checks the outcome; a route missing here fails that test,",
        "and no response may contain a person the user may not see.",
        "",
        "Outcomes: **ok** access granted (2xx or a redirect); **400** refused for its",
        "content before any role check (the walk sends empty bodies; nothing changes, no data);",
        "**403** permission denied; **404** not found (outside what the user may see, existence",
        "not confirmed); **login** sign-in required (redirect, or 401 from the API).",
        "A cell `a / b` is own unit / other unit. For a remittent, *own* means the object came",
        "from a referral they sent.",
        "",
        "Decisions are made in `insats/core/access.py` only; see docs/security.md.",
        "",
    ]
    header = "| route | kind | object | methods | " + " | ".join(
        ROLE_LABELS[r] for r in ("anonymous", *ROLES)
    ) + " | note |"
    lines += [header, "|" + "---|" * (len(ROLES) + 6)]
    for route in (*MATRIX, *PREFIX_RULES.values()):
        cells = [route.anonymous]
        for index, _role in enumerate(ROLES):
            own = route.own[index]
            if route.other is not None and route.other[index] != own:
                cells.append(f"{own} / {route.other[index]}")
            elif route.other is not None:
                cells.append(f"{own} / {own}")
            else:
                cells.append(own)
        lines.append(
            f"| `{route.name}` | {route.kind} | {route.obj or '–'} | {', '.join(route.methods)} | "
            + " | ".join(cells)
            + f" | {route.note} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
