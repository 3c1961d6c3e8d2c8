"""Writes each request's access-log entries once the response status is known."""

from __future__ import annotations

from . import registry, services


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = services.begin(request)
        try:
            response = self.get_response(request)
        except BaseException:
            services.finish(request, 500, token)
            raise
        registry.log_automatic(request, response.status_code)
        services.finish(request, response.status_code, token)
        return response
