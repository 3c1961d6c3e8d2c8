import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from insats.accounts.models import Role
from insats.core import testing
from insats.enrolments.models import Enrolment
from insats.referrals import services
from insats.referrals.models import Referral


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_samordnare_at_once_give_one_enrolment():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need a server database; SQLite serialises writers anyway.")
    unit = testing.make_unit()
    first = testing.make_user(Role.SAMORDNARE, unit)
    second = testing.make_user(Role.SAMORDNARE, unit)
    coach = testing.make_user(Role.COACH, unit)
    referral = testing.make_referral(testing.make_user(Role.REMITTENT, None), unit)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate(user):
        try:
            barrier.wait()
            services.allocate_referral(Referral.objects.get(pk=referral.pk), by=user, coach=coach)
            outcomes.append("allocated")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(u,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["allocated", "refused"]
    assert Enrolment.objects.filter(referral=referral).count() == 1
