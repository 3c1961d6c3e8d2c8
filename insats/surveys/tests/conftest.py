import datetime as dt

import pytest
from django.utils import timezone

from insats.core import testing
from insats.enrolments import services as enrolment_services
from insats.surveys.models import Audience, Survey

NOW = timezone.make_aware(dt.datetime(2025, 3, 10, 12, 0))


@pytest.fixture
def participant_survey(db):
    return Survey.objects.get(audience=Audience.PARTICIPANT)


@pytest.fixture
def employer_survey(db):
    return Survey.objects.get(audience=Audience.EMPLOYER)


@pytest.fixture
def measure(unit):
    return testing.make_measure("JOBBSPAR-TEST", category="MATCHNING", name="Jobbspår vård",
                                unit=unit)


def closed_enrolment(unit, coach, measure=None, end=dt.date(2025, 3, 3), **kw):
    """An enrolment closed through the enrolments service, with one placement."""
    enrolment = testing.make_enrolment(unit=unit, coach=coach, start_date=dt.date(2024, 9, 1),
                                       **kw)
    testing.make_placement(enrolment, measure or testing.make_measure())
    return enrolment_services.close_enrolment(
        enrolment, by=coach, expected_version=enrolment.version, end_date=end,
        closure_reason=testing.ClosureReason.objects.get(code="ARBETE_UTAN_STOD"),
        today=end,
    )


@pytest.fixture
def closed(unit, coach, measure):
    return closed_enrolment(unit, coach, measure)
