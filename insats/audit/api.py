"""Access logging for API viewsets: one mixin, no per-endpoint code.

`get_object` logs the object an endpoint acts on (a read for GET, a change for other methods),
`paginate_queryset` logs every row of a list page, and a 201 from `create` logs the created
object. The middleware then writes changes only when the response succeeded.
"""

from __future__ import annotations

from .models import Action
from .services import log_access, log_many

METHOD_ACTIONS = {"PUT": Action.UPDATE, "PATCH": Action.UPDATE, "DELETE": Action.DELETE,
                  "POST": Action.UPDATE}
SEARCH_PARAMS = ("search",)


class AuditedViewSetMixin:
    """Put first in a viewset's bases."""

    def _audit_action(self) -> str:
        return METHOD_ACTIONS.get(self.request.method, Action.READ)

    def get_object(self):
        obj = super().get_object()
        log_access(self.request, self._audit_action(), obj=obj)
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else []
        searched = any(self.request.query_params.get(p) for p in SEARCH_PARAMS)
        log_many(self.request, Action.SEARCH if searched else Action.READ, rows)
        return page

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(self, "action", None) == "create" and response.status_code == 201:
            created_id = response.data.get("id") if isinstance(response.data, dict) else None
            model = self.get_queryset().model
            created = model._base_manager.filter(pk=created_id).first() if created_id else None
            if created is not None:
                log_access(request, Action.CREATE, obj=created)
        return super().finalize_response(request, response, *args, **kwargs)
