import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard is cached for a few minutes; each test computes its own figures."""
    cache.clear()
    yield
    cache.clear()
