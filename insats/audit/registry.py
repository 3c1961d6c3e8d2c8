"""Which routes touch personal data: the one list the access log is checked against.

Every named URL pattern (pages and API routes) is classified here as personal or not.
`insats/audit/tests/test_registry.py` walks the URL configuration: a route missing from this
list fails the test, and every personal route is requested by a permitted user and must write
an access-log entry. So a new page cannot reach production without someone deciding whether it
shows personal data, and if it does, logging it.

Personal routes log through `insats.audit.services.log_access` / `log_many` in the view (or
`insats.audit.api.AuditedViewSetMixin` for API viewsets). Routes of apps that do not call the
log themselves name their object here (`auto`) and the middleware logs them after a successful
response.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from .models import Action


@dataclass(frozen=True)
class Auto:
    """Log the object a URL names without the view's help: the model kind and path parameter."""

    kind: str  # "enrolment" | "person"
    param: str = "pk"
    post_action: str = Action.UPDATE


@dataclass(frozen=True)
class Route:
    personal: bool
    note: str = ""
    auto: Auto | None = None


P = Route(True)
NOT_PERSONAL = Route(False)


def N(note: str) -> Route:  # noqa: N802 - table constructor
    return Route(False, note)


ROUTES: dict[str, Route] = {
    # --- Start page, service, sign-in ------------------------------------------------------
    "core:home": Route(True, "Startsidans paneler visar remisser och ärenden med namn."),
    "core:health": N("Hälsokontroll."),
    "accounts:login": N("Inloggning; loggas i inloggningsloggen."),
    "accounts:otp_verify": N("Inloggning; loggas i inloggningsloggen."),
    "accounts:otp_setup": N("Användarens egen tvåfaktorsinställning."),
    "accounts:logout": N("Utloggning; loggas i inloggningsloggen."),
    "set_language": N("Språkval."),
    # --- Persons, referrals, enrolments ----------------------------------------------------
    "persons:search": P,
    "persons:create": P,
    "persons:detail": P,
    "persons:edit": P,
    "referrals:queue": P,
    "referrals:create": P,
    "referrals:mine": P,
    "referrals:allocate": P,
    "referrals:reject": P,
    "referrals:add_attachments": P,
    "referrals:attachment": Route(True, "Hämtning av en bilaga loggas som läsning."),
    "referrals:routine": N("Enhetens fördelningsrutin: arbetssätt, inga personuppgifter."),
    "enrolments:caseload": P,
    "enrolments:detail": P,
    "enrolments:edit": P,
    "enrolments:add_note": P,
    "enrolments:add_meeting": P,
    "enrolments:close": P,
    "enrolments:reopen": P,
    "enrolments:followup": P,
    # --- Assessments, plans, measures ------------------------------------------------------
    "assessments:perform": P,
    "assessments:detail": P,
    "plans:create": P,
    "plans:edit": P,
    "plans:goal_add": P,
    "plans:goal_edit": P,
    "plans:goal_achieved": P,
    "plans:followup_add": P,
    "measures:catalogue": N("Insatskatalogen."),
    "measures:detail": Route(True, "Deltagarlistan för personal med ärenden."),
    "measures:placement_create": P,
    "measures:placement_end": P,
    "measures:placement_attendance": P,
    "measures:attendance_delete": P,
    "measures:attendance_grid": P,
    # --- Surveys (enkäter): answers are stored apart from identity --------------------------
    "surveys:public_start": N("Publik enkät, ingen identitet."),
    "surveys:public_thanks": N("Publik enkät, ingen identitet."),
    "surveys:public": N("Publik enkät via engångslänk; svaren sparas utan identitet."),
    "surveys:results": N("Aggregat med små grupper dolda."),
    "surveys:employer": N("Arbetsgivarenkäter: arbetsgivare, inga deltagare."),
    "surveys:offer": Route(True, auto=Auto("enrolment", post_action=Action.CREATE)),
    "surveys:slip": Route(True, auto=Auto("enrolment")),
    # --- Goals, statistics, board reports (aggregates) and their drill-downs --------------
    "goals:overview": N("Mål och indikatorer: aggregat."),
    "goals:edit_year": N("Målvärden per år: aggregat."),
    "reports:board_report": N("Nämndrapport: aggregat med små grupper dolda."),
    "insights:dashboard": N("Nyckeltal: aggregat."),
    "insights:cost": N("Kostnader per insats: aggregat."),
    "insights:cost_excel": N("Kostnader per insats: aggregat."),
    "insights:budget": N("Budget per insats."),
    "insights:drilldown": Route(True, "Underlaget bakom ett nyckeltal, för personal med ärenden."),
    "insights:data_quality": Route(True, "De första raderna per regel för personal med ärenden."),
    "insights:data_quality_rule": P,
    # --- Access log follow-up, register extract -------------------------------------------
    "audit:index": N("Avvikande mönster: användare och antal, inga personuppgifter om den "
                     "registrerade utöver id; uppslag per person loggas."),
    "audit:person": P,
    "audit:user": N("Vad en medarbetare har öppnat: personal, med person-id."),
    "privacy:extract": P,
    "privacy:grants": Route(True, "Vilka som har behörighet till vilka personer med skyddad "
                                  "identitet (person-id); listan loggas per person."),
    # --- REST API -------------------------------------------------------------------------
    "api:person-list": P,
    "api:person-detail": P,
    "api:enrolment-list": P,
    "api:enrolment-detail": P,
    "api:enrolment-close": P,
    "api:enrolment-reopen": P,
    "api:enrolment-followups": P,
    "api:referral-list": P,
    "api:referral-detail": P,
    "api:referral-suggestion": P,
    "api:referral-allocate": P,
    "api:referral-reject": P,
    "api:placement-list": P,
    "api:placement-detail": P,
    "api:placement-end": P,
    "api:attendance-list": P,
    "api:attendance-detail": P,
    "api-schema": N("API-beskrivningen."),
    "api-docs": N("API-beskrivningen."),
}

# The admin site holds configuration only: no model with personal data is registered there
# (the test checks that too).
PREFIXES: dict[str, Route] = {
    "admin:": N("Konfiguration; inga personuppgiftsmodeller i administrationen."),
}


def classify(name: str) -> Route | None:
    """The classification of a URL name, or None when it has none (the test then fails)."""
    if name in ROUTES:
        return ROUTES[name]
    for prefix, route in PREFIXES.items():
        if name.startswith(prefix):
            return route
    return None


def personal_routes() -> list[str]:
    return [name for name, route in ROUTES.items() if route.personal]


def log_automatic(request: HttpRequest, status: int) -> None:
    """Log a successful request to a route marked `auto` (the middleware calls this)."""
    match = getattr(request, "resolver_match", None)
    if match is None or status >= 400:
        return
    route = ROUTES.get(match.view_name)
    if route is None or route.auto is None:
        return
    from insats.core.access import visible_enrolments, visible_persons

    from . import services

    user = request.user
    pk = match.kwargs.get(route.auto.param)
    source = visible_enrolments(user) if route.auto.kind == "enrolment" else visible_persons(user)
    obj = source.filter(pk=pk).first()
    if obj is None:
        return
    safe = request.method in ("GET", "HEAD")
    action = Action.READ if safe else route.auto.post_action
    services.log_access(request, action, obj=obj)
