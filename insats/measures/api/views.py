"""Placements and attendance API: the user's visible enrolments only; writes need
`can_work_on_enrolment`. Every write goes through the same services as the pages."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from insats.audit.api import AuditedViewSetMixin
from insats.core import access
from insats.core.security.params import id_param
from insats.measures import services
from insats.measures.models import Attendance, Placement

from .serializers import (
    AttendanceSerializer,
    AttendanceUpdateSerializer,
    PlacementEndSerializer,
    PlacementSerializer,
    PlacementUpdateSerializer,
)


def _require_work(request: Request, enrolment) -> None:
    if not access.can_work_on_enrolment(request.user, enrolment):
        raise PermissionDenied("Du får inte ändra i den här inskrivningen.")


def _date_param(name: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: "Ange datum som ÅÅÅÅ-MM-DD."}) from None


def _int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return id_param(value)


@extend_schema_view(
    list=extend_schema(parameters=[
        OpenApiParameter("enrolment", int, description="Bara placeringar i denna inskrivning."),
        OpenApiParameter("measure", str, description="Bara placeringar i insatsen med denna kod."),
    ]),
    update=extend_schema(request=PlacementUpdateSerializer, responses=PlacementSerializer),
    partial_update=extend_schema(request=PlacementUpdateSerializer, responses=PlacementSerializer),
)
class PlacementViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Placeringar i insatser, with their hours."""

    serializer_class = PlacementSerializer
    queryset = Placement.objects.none()

    def get_queryset(self):
        qs = (
            Placement.objects.filter(enrolment__in=access.visible_enrolments(self.request.user))
            .select_related("measure", "enrolment")
            .with_total_hours()
            .order_by("pk")
        )
        enrolment = _int_param(self.request, "enrolment")
        if enrolment is not None:
            qs = qs.filter(enrolment_id=enrolment)
        measure = self.request.query_params.get("measure")
        if measure:
            qs = qs.filter(measure__code=measure)
        return qs

    def _read(self, placement: Placement) -> dict:
        fresh = self.get_queryset().get(pk=placement.pk)
        return PlacementSerializer(fresh, context=self.get_serializer_context()).data

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require_work(request, data["enrolment"])
        placement = services.place(
            data["enrolment"], data["measure"], data["start_date"], data.get("end_date"),
            data.get("workplace", ""), data.get("supervisor", ""), request.user,
            allow_over_capacity=data.get("allow_over_capacity", False),
        )
        return Response(self._read(placement), status=http.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        placement = self.get_object()
        _require_work(request, placement.enrolment)
        serializer = PlacementUpdateSerializer(
            placement, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.update_placement(
            placement,
            start_date=data.get("start_date", placement.start_date),
            end_date=data.get("end_date", placement.end_date),
            workplace=data.get("workplace", placement.workplace),
            supervisor=data.get("supervisor", placement.supervisor),
            by=request.user,
        )
        return Response(self._read(placement))

    @extend_schema(request=PlacementEndSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk=None) -> Response:
        """Avsluta placeringen."""
        placement = self.get_object()
        _require_work(request, placement.enrolment)
        serializer = PlacementEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.end_placement(placement, serializer.validated_data["end_date"], request.user)
        return Response(self._read(placement))


@extend_schema_view(
    list=extend_schema(parameters=[
        OpenApiParameter("placement", int, description="Bara närvaro i denna placering."),
        OpenApiParameter("from", str, description="Från och med datum (ÅÅÅÅ-MM-DD)."),
        OpenApiParameter("to", str, description="Till och med datum (ÅÅÅÅ-MM-DD)."),
    ]),
    update=extend_schema(request=AttendanceUpdateSerializer, responses=AttendanceSerializer),
    partial_update=extend_schema(
        request=AttendanceUpdateSerializer, responses=AttendanceSerializer
    ),
)
class AttendanceViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):
    """Närvaro per placering och dag. Posting a day that is already recorded replaces it."""

    serializer_class = AttendanceSerializer
    queryset = Attendance.objects.none()

    def get_queryset(self):
        qs = Attendance.objects.filter(
            placement__enrolment__in=access.visible_enrolments(self.request.user)
        ).select_related("placement__enrolment").order_by("placement_id", "date")
        placement = _int_param(self.request, "placement")
        if placement is not None:
            qs = qs.filter(placement_id=placement)
        for param, lookup in (("from", "date__gte"), ("to", "date__lte")):
            value = self.request.query_params.get(param)
            if value:
                qs = qs.filter(**{lookup: _date_param(param, value)})
        return qs

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require_work(request, data["placement"].enrolment)
        attendance = services.record_attendance(
            data["placement"], data["date"], data.get("hours"), data.get("absence_reason", ""),
            request.user,
        )
        return Response(AttendanceSerializer(attendance, context=self.get_serializer_context())
                        .data, status=http.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        attendance = self.get_object()
        _require_work(request, attendance.placement.enrolment)
        serializer = AttendanceUpdateSerializer(
            attendance, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        attendance = services.record_attendance(
            attendance.placement, attendance.date, data.get("hours", attendance.hours),
            data.get("absence_reason", attendance.absence_reason), request.user,
        )
        return Response(AttendanceSerializer(attendance, context=self.get_serializer_context())
                        .data)
