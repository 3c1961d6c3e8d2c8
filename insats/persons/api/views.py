"""Persons API: the same visibility and rules as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied

from insats.audit.api import AuditedViewSetMixin
from insats.core import access
from insats.persons import services
from insats.persons.models import Person

from .serializers import PersonSerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Namn eller personnummer (valfri form; normaliseras).",
            )
        ]
    )
)
class PersonViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Personer the user may see; search by name or personnummer."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()

    def get_queryset(self):
        qs = access.visible_persons(self.request.user).order_by("last_name", "first_name", "pk")
        query = self.request.query_params.get("search", "").strip()
        if query and self.action == "list":
            qs = services.search_persons(qs, query)
        return qs

    def perform_create(self, serializer: PersonSerializer) -> None:
        if not access.can_register_person(self.request.user):
            raise PermissionDenied(_("Du har inte behörighet att registrera personer."))
        serializer.save()

    def perform_update(self, serializer: PersonSerializer) -> None:
        if not access.can_edit_person(self.request.user, serializer.instance):
            raise PermissionDenied(_("Du har inte behörighet att ändra personens uppgifter."))
        serializer.save()
