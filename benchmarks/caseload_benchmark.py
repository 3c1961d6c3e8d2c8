#!/usr/bin/env python
"""Benchmark of the caseload page (enrolments:caseload) at city size.

Runs against a database that already holds the import benchmark's data (100 000 persons and
200 000 enrolments; `benchmarks/import_benchmark.py` leaves it in `insats_bench` on PostgreSQL
and in a SQLite file it names). It then

1. gives a coach and an enhetschef at the largest unit, and makes the coach responsible for
   every 10th of the unit's enrolments (a large caseload, on purpose);
2. requests, in-process through Django's test client (no network, no server in the way), the
   coach's own caseload, the whole unit's open enrolments, page 50 of the unit list and the
   closed list, `--repeat` times each, and the trivial view `/halsa/` (one `SELECT 1`) as the
   baseline in the same run;
3. reports the median and 95th percentile per page and the ratio to the baseline's median.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/insats_bench \
        .venv/bin/python benchmarks/caseload_benchmark.py --label PostgreSQL
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insats.settings")
os.environ.setdefault("INSATS_ENV", "test")
os.environ.setdefault("INSATS_ALLOWED_HOSTS", "testserver,localhost")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def prepare_users():
    from django.db.models import Count

    from insats.accounts.models import Role, User
    from insats.enrolments.models import Enrolment
    from insats.organisation.models import Unit

    biggest = Unit.objects.annotate(n=Count("enrolments")).order_by("-n").values_list("pk", "n")[0]
    unit = Unit.objects.get(pk=biggest[0])
    users = {}
    for role in (Role.COACH, Role.ENHETSCHEF):
        user, _ = User.objects.update_or_create(
            username=f"bench-{role}",
            defaults={"role": role, "unit": unit, "municipality": unit.municipality},
        )
        users[role] = user
    ids = list(
        Enrolment.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True)[::10]
    )
    Enrolment.objects.filter(pk__in=ids).update(coach=users[Role.COACH])
    return unit, biggest[1], users, len(ids)


def measure(client, url: str, repeat: int, rows_expected: bool) -> list[float]:
    warm = client.get(url)  # warm caches and connection
    if rows_expected:
        # A page of 50 enrolments, never an empty list (a user who may see nothing is fast).
        links = re.findall(rb'href="/inskrivningar/\d+/"', warm.content)
        assert len(set(links)) == 50, (url, len(set(links)))
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--label", default=os.environ.get("DATABASE_URL", "sqlite"))
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from insats.accounts.models import Role
    from insats.enrolments.models import Enrolment

    unit, unit_size, users, caseload = prepare_users()
    total = Enrolment.objects.count()
    pages = [
        ("trivial view /halsa/ (baseline)", None, "/halsa/"),
        ("coach: own caseload", Role.COACH, "/inskrivningar/"),
        ("enhetschef: unit, open", Role.ENHETSCHEF, "/inskrivningar/?omfattning=enhet"),
        (
            "enhetschef: unit, all, page 50",
            Role.ENHETSCHEF,
            "/inskrivningar/?omfattning=enhet&status=alla&sida=50",
        ),
        (
            "enhetschef: unit, closed",
            Role.ENHETSCHEF,
            "/inskrivningar/?omfattning=enhet&status=avslutade",
        ),
    ]
    rows = []
    baseline = None
    for label, role, url in pages:
        client = Client()
        if role:
            client.force_login(users[role])
        timings = measure(client, url, args.repeat, rows_expected=role is not None)
        median = statistics.median(timings)
        baseline = baseline or median
        rows.append((label, median, percentile(timings, 0.95), median / baseline))
    print(
        f"{args.label}: {total} enrolments, unit {unit.code} has {unit_size}, "
        f"coach caseload {caseload}, {args.repeat} requests per page"
    )
    print("| page | median ms | p95 ms | median ÷ baseline |")
    print("|---|---:|---:|---:|")
    for label, median, p95, ratio in rows:
        print(f"| {label} | {median:.1f} | {p95:.1f} | {ratio:.1f} |")


if __name__ == "__main__":
    main()
