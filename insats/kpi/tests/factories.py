"""Builders for the rows the shared builders in insats.core.testing do not cover."""

import datetime as dt

from insats.enrolments.models import Enrolment, Followup
from insats.youth.models import YouthApplication


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def make_followup(enrolment: Enrolment, months_after: int, status: str) -> Followup:
    return Followup.objects.create(enrolment=enrolment, months_after=months_after, status_id=status)


def make_application(
    season: str, status: str, gender: str = "K", birth_date: str = "2005-03-01"
) -> YouthApplication:
    return YouthApplication.objects.create(
        season=season, status_id=status, gender=gender, birth_date=d(birth_date)
    )
