"""The start page and service endpoints."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Start page: what needs the user's attention, by role (each app contributes a panel)."""
    from insats.core.dashboard import panels_for

    return render(request, "core/home.html", {"panels": panels_for(request.user)})


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and the benchmarks' trivial baseline view."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
