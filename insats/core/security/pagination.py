"""API pagination that refuses absurd limit/offset values instead of failing in the database.

DRF's LimitOffsetPagination passes any integer to the database; an offset beyond 64 bits makes
SQLite and PostgreSQL raise (a 500). Values are clamped: limit to MAX_LIMIT, offset to
MAX_OFFSET (far beyond any real list, so the page is simply empty).
"""

from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 10**9


class SafeLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 500

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)

    def get_limit(self, request):
        limit = super().get_limit(request)
        return None if limit is None else min(limit, self.max_limit)
