"""Template context shared by every page: the navigation the signed-in user's role allows."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from insats.accounts.models import Role

# (url name, label, roles that see it); the order is the menu's order. Labels are marked with
# gettext_noop so makemessages finds them; they are translated per request below.
NAVIGATION = [
    ("core:home", gettext_noop("Startsida"), None),
    ("referrals:queue", gettext_noop("Remisser att fördela"), (Role.SAMORDNARE, Role.ENHETSCHEF)),
    ("referrals:mine", gettext_noop("Mina remisser"), (Role.REMITTENT,)),
    ("referrals:create", gettext_noop("Ny remiss"), (Role.REMITTENT, Role.SAMORDNARE)),
    ("enrolments:caseload", gettext_noop("Ärenden"),
     (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF)),
    ("persons:search", gettext_noop("Sök person"), (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF)),
    ("measures:catalogue", gettext_noop("Insatser"), None),
    ("measures:attendance_grid", gettext_noop("Närvaro"), (Role.COACH, Role.ENHETSCHEF)),
    ("surveys:employer", gettext_noop("Arbetsgivarenkäter"), (Role.COACH, Role.ENHETSCHEF)),
    ("surveys:results", gettext_noop("Enkätresultat"),
     (Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)),
    ("audit:index", gettext_noop("Logguppföljning"), (Role.ENHETSCHEF, Role.ADMIN)),
    ("privacy:extract", gettext_noop("Registerutdrag"), (Role.ENHETSCHEF, Role.ADMIN)),
    ("privacy:grants", gettext_noop("Skyddad identitet"), (Role.ADMIN,)),
    ("insights:dashboard", gettext_noop("Statistik"),
     (Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)),
    ("insights:cost", gettext_noop("Kostnader"), (Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)),
    ("insights:data_quality", gettext_noop("Datakvalitet"),
     (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)),
    ("goals:overview", gettext_noop("Mål"),
     (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)),
    ("reports:board_report", gettext_noop("Nämndrapport"),
     (Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for url_name, label, roles in NAVIGATION:
        if roles is not None and user.role not in roles:
            continue
        try:
            url = reverse(url_name)
        except Exception:  # an app not wired yet; never break every page for it
            continue
        items.append({"url": url, "label": _(label), "active": request.path == url})
    return {"nav_items": items}
