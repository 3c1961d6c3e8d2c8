"""Referrals API: send, list, suggestion and allocation, with the pages' rules."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from insats.audit.api import AuditedViewSetMixin
from insats.core import access
from insats.enrolments.api.serializers import EnrolmentSerializer
from insats.referrals import services
from insats.referrals.models import Referral

from .serializers import (
    AllocationSerializer,
    ReferralSerializer,
    RejectSerializer,
    SuggestionSerializer,
)

PERSON_FIELDS = ("personnummer", "birth_date", "first_name", "last_name", "gender")


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("status", str, enum=Referral.Status.values)]
    )
)
class ReferralViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Remisser: the unit's (staff) or the user's own (remittent)."""

    serializer_class = ReferralSerializer
    queryset = Referral.objects.none()

    def get_queryset(self):
        qs = access.visible_referrals(self.request.user).select_related(
            "person", "unit", "referral_source", "income_source"
        ).prefetch_related("wanted_tags", "attachments")
        status = self.request.query_params.get("status")
        if self.action == "list" and status in Referral.Status.values:
            qs = qs.filter(status=status)
        return qs.order_by("received_date", "pk")

    def perform_create(self, serializer: ReferralSerializer) -> None:
        user = self.request.user
        if not access.can_send_referrals(user):
            raise PermissionDenied(_("Du har inte behörighet att skicka remisser."))
        data = dict(serializer.validated_data)
        person_data = {name: data.pop(name, None) for name in PERSON_FIELDS}
        serializer.instance = services.create_referral(
            sender=user,
            unit=data["unit"],
            referral_source=data["referral_source"],
            reason=data["reason"],
            person_data=person_data,
            income_source=data.get("income_source"),
            attachments_description=data.get("attachments_description", ""),
            wanted_tags=data.get("wanted_tags", []),
            received_date=data.get("received_date"),
        )

    def _allocatable(self) -> Referral:
        referral = self.get_object()
        if not access.can_allocate(self.request.user):
            raise PermissionDenied(_("Du har inte behörighet att fördela remisser."))
        return referral

    @extend_schema(responses=SuggestionSerializer)
    @action(detail=True, methods=["get"])
    def suggestion(self, request: Request, pk=None) -> Response:
        """Förslag på konsulent, with the reasoning."""
        suggestion = services.suggest_coach(self._allocatable())
        return Response(SuggestionSerializer(suggestion).data)

    @extend_schema(request=AllocationSerializer, responses={201: EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk=None) -> Response:
        """Fördela remissen; the enrolment it starts is returned."""
        referral = self._allocatable()
        data = AllocationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.allocate_referral(
            referral,
            by=request.user,
            coach=data.validated_data["coach"],
            start_date=data.validated_data.get("start_date"),
            override_reason=data.validated_data["override_reason"],
            shown_suggestion=data.validated_data.get("suggested_coach"),
        )
        return Response(EnrolmentSerializer(enrolment).data, status=http.HTTP_201_CREATED)

    @extend_schema(request=RejectSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        """Avvisa remissen med ett skäl som remittenten ser."""
        referral = self._allocatable()
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rejected = services.reject_referral(
            referral, by=request.user, reason=data.validated_data["rejection_reason"]
        )
        return Response(self.get_serializer(rejected).data)
