import pytest

from insats.accounts.models import Role
from insats.core import testing


@pytest.fixture
def unit(db):
    return testing.make_unit("AME", name="Arbetsmarknadsenheten")


@pytest.fixture
def other_unit(db):
    return testing.make_unit("JOBBTORG", name="Jobbtorget")


@pytest.fixture
def coach(unit):
    return testing.make_user(Role.COACH, unit, username="coach")


@pytest.fixture
def samordnare(unit):
    return testing.make_user(Role.SAMORDNARE, unit, username="samordnare")


@pytest.fixture
def enhetschef(unit):
    return testing.make_user(Role.ENHETSCHEF, unit, username="chef")


@pytest.fixture
def remittent(db):
    return testing.make_user(Role.REMITTENT, None, username="remittent")


@pytest.fixture
def controller(db):
    return testing.make_user(Role.CONTROLLER, None, username="controller")


@pytest.fixture
def admin_user(db):
    return testing.make_user(Role.ADMIN, None, username="admin", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (referral attachments) go to a directory of the test's own, never to
    the project's media directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache holds counters (e.g. wrong survey codes per address); no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
