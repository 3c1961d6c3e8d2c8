"""Request middleware of the project's own that belongs to no single domain area."""

from __future__ import annotations


class SwedishFirstMiddleware:
    """The interface is Swedish unless the user picks English with the language switch.

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, so staff
    whose computers happen to be set up in English would meet an English case system, with
    other words than their colleagues and the municipality's routines. The switch in the header
    stores the choice in the language cookie, which LocaleMiddleware still honours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
