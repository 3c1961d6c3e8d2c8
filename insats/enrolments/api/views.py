"""Enrolments API: list and read, and the same close / reopen / follow-up services as pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status as http
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from insats.audit.api import AuditedViewSetMixin
from insats.core import access
from insats.core.security.params import id_param
from insats.enrolments import services
from insats.enrolments.models import Enrolment

from .serializers import CloseSerializer, EnrolmentSerializer, FollowupSerializer, ReopenSerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, enum=["oppna", "avslutade"],
                description="Bara pågående eller bara avslutade inskrivningar.",
            ),
            OpenApiParameter("coach", int, description="Ansvarig konsulents id."),
        ]
    )
)
class EnrolmentViewSet(AuditedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Inskrivningar of the user's unit (the unit's staff only, as on the pages)."""

    serializer_class = EnrolmentSerializer
    queryset = Enrolment.objects.none()

    def get_queryset(self):
        user = self.request.user
        if user.role not in access.UNIT_ROLES:
            return Enrolment.objects.none()
        qs = access.visible_enrolments(user).select_related(
            "person", "unit", "referral_source", "income_at_start", "closure_reason"
        )
        if self.action == "list":
            params = self.request.query_params
            if params.get("status") == "oppna":
                qs = qs.filter(end_date__isnull=True)
            elif params.get("status") == "avslutade":
                qs = qs.filter(end_date__isnull=False)
            coach_id = id_param(params.get("coach"))
            if coach_id is not None:
                qs = qs.filter(coach_id=coach_id)
        return qs.order_by("-start_date", "-pk")

    def _workable(self) -> Enrolment:
        enrolment = self.get_object()
        if not access.can_work_on_enrolment(self.request.user, enrolment):
            raise PermissionDenied(_("Du har inte behörighet att ändra i den här inskrivningen."))
        return enrolment

    @extend_schema(request=CloseSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        """Avsluta inskrivningen (optimistiskt låst på `version`)."""
        enrolment = self._workable()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        closed = services.close_enrolment(
            enrolment,
            by=request.user,
            expected_version=data.validated_data["version"],
            end_date=data.validated_data["end_date"],
            closure_reason=data.validated_data["closure_reason"],
            note=data.validated_data["note"],
        )
        return Response(EnrolmentSerializer(closed).data)

    @extend_schema(request=ReopenSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk=None) -> Response:
        """Återöppna en avslutad inskrivning (enhetschef)."""
        enrolment = self.get_object()
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reopened = services.reopen_enrolment(
            enrolment,
            by=request.user,
            expected_version=data.validated_data["version"],
            reason=data.validated_data["reason"],
        )
        return Response(EnrolmentSerializer(reopened).data)

    @extend_schema(
        methods=["GET"], request=None, responses=FollowupSerializer(many=True),
        description="Registrerade efteruppföljningar.",
    )
    @extend_schema(
        methods=["POST"], request=FollowupSerializer, responses={201: FollowupSerializer},
        description="Registrera (eller rätta) efteruppföljningen efter 3, 6 eller 12 månader.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def followups(self, request: Request, pk=None) -> Response:
        if request.method == "GET":
            enrolment = self.get_object()
            rows = enrolment.followups.select_related("status")
            return Response(FollowupSerializer(rows, many=True).data)
        enrolment = self._workable()
        data = FollowupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        followup = services.record_followup(
            enrolment,
            by=request.user,
            months_after=int(data.validated_data["months_after"]),
            status=data.validated_data["status"],
            followup_date=data.validated_data.get("followup_date"),
        )
        return Response(FollowupSerializer(followup).data, status=http.HTTP_201_CREATED)
