"""The REST API, version 1: thin views over the apps' selectors and services.

Every view: authenticates a token (auth.py), answers 404 when the token's agency is not the
one in the URL (the same answer as for a missing object), enters that agency's data scope,
checks the token's scopes (permissions.py) and rate (throttling.py), and audits the request
with the token's name. POSTs honour `Idempotency-Key`.
"""

import hashlib
import json
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_scopes import scope, scopes_disabled
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from tremplin.agencies.models import Agency
from tremplin.agencies.selectors import agency_list_active
from tremplin.api import selectors
from tremplin.api import serializers as s
from tremplin.api.errors import BodyTooLarge, IdempotencyKeyReused
from tremplin.api.models import NETWORK_SCOPE, ApiToken, IdempotencyKey, Scope
from tremplin.api.services import request_log, token_touch
from tremplin.audit.services import audit_log
from tremplin.clients import services as client_services
from tremplin.clients.selectors import client_get_for_agency
from tremplin.learning.selectors import (
    course_get_for_agency,
    course_list_for_agency,
    network_aggregates,
)
from tremplin.programs import services as program_services
from tremplin.programs.models import AttendanceStatus, Program, RegistrationChannel
from tremplin.programs.selectors import (
    program_get_for_agency,
    program_list_for_agency,
    registration_get_for_agency,
    session_get_for_agency,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat a POST safely: the same key returns the first answer (kept 24 hours).",
)


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return view.ordering


class ApiView(APIView):
    read_scope: str | None = None
    write_scope: str | None = None
    pagination_class: type[Cursor] | None = Cursor
    ordering: tuple[str, ...] = ("id",)
    token: ApiToken | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self._scopes = ExitStack()
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            self._scopes.close()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > settings.API_MAX_BODY_BYTES:
            raise BodyTooLarge()
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg
        request.version, request.versioning_scheme = self.determine_version(
            request, *args, **kwargs
        )
        self.perform_authentication(request)
        if not isinstance(request.auth, ApiToken):
            raise exceptions.NotAuthenticated()
        self.token = request.auth
        self.enter_tenant(self.token, kwargs)
        self.check_permissions(request)
        self.check_throttles(request)

    def enter_tenant(self, token: ApiToken, kwargs: dict[str, Any]) -> None:
        raise NotImplementedError

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        token = self.token
        if token is not None:
            match = request._request.resolver_match
            route = match.route if match is not None else ""
            # An agency token's request is logged in its agency, a network token's in the
            # network's log (services.request_log).
            with scope(agency=token.agency) if token.agency is not None else scopes_disabled():
                token_touch(token=token)
                request_log(
                    token=token,
                    method=request.method or "",
                    route=route,
                    status=response.status_code,
                )
        return response

    # ---- helpers for the handlers

    def valid(self, serializer_class: type[Serializer], data: Any) -> dict[str, Any]:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def page(
        self, request: Request, queryset: Any, serializer: type[Serializer], **ctx: Any
    ) -> Response:
        paginator = (self.pagination_class or Cursor)()
        rows = paginator.paginate_queryset(queryset, request, view=self)
        data = serializer(rows, many=True, context=ctx).data
        return paginator.get_paginated_response(data)

    def idempotent(self, request: Request, produce: Callable[[], Response]) -> Response:
        """Run `produce` once per Idempotency-Key: a repeat (even a concurrent one, which waits
        on the key's unique index) gets the first answer back."""
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return produce()
        if not 1 <= len(key) <= 200:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("Give between 1 and 200 characters.")]}
            )
        token = self.token
        assert token is not None and token.agency is not None
        fingerprint = hashlib.sha256(
            b"\n".join([(request.method or "").encode(), request.path.encode(), request.body])
        ).hexdigest()
        keys = IdempotencyKey.objects.with_scope(agency=token.agency)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = keys.create(
                        agency=token.agency, token=token, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                first = keys.get(token=token, key=key)
                if first.fingerprint != fingerprint:
                    raise IdempotencyKeyReused() from None
                replay = Response(first.response, status=first.status_code)
                replay["Idempotent-Replayed"] = "true"
                return replay
            try:
                response = produce()
            except Exception as error:  # noqa: BLE001 — the error's answer is the one kept
                response = self.handle_exception(error)
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response = json.loads(JSONRenderer().render(response.data) or b"null")
            record.save(update_fields=["status_code", "response"])
            return response


class AgencyApiView(ApiView):
    agency: Agency

    def enter_tenant(self, token: ApiToken, kwargs: dict[str, Any]) -> None:
        if token.agency is None or token.agency.slug != kwargs.get("slug"):
            raise exceptions.NotFound()
        if not token.agency.is_active:
            raise exceptions.NotFound()
        self.agency = token.agency
        self._scopes.enter_context(scope(agency=token.agency))

    def context(self, request: Request, expand: Any = ()) -> dict[str, Any]:
        return {
            "personal": self.token is not None and self.token.has_scope(Scope.PERSONAL),
            "expand": set(expand or ()),
        }


class NetworkApiView(ApiView):
    read_scope = NETWORK_SCOPE

    def enter_tenant(self, token: ApiToken, kwargs: dict[str, Any]) -> None:
        if token.agency is not None:
            raise exceptions.NotFound()
        # Network reads cross agencies on purpose: templates and counts, never individuals.
        self._scopes.enter_context(scopes_disabled())


def _ordering_param(choices: list[str]) -> OpenApiParameter:
    return OpenApiParameter("ordering", OpenApiTypes.STR, enum=choices, required=False)


class OrderingMixin:
    orderings: dict[str, tuple[str, ...]] = {"id": ("id",), "-id": ("-id",)}
    default_ordering = "id"

    def choose_ordering(self, request: Request) -> None:
        choice = request.query_params.get("ordering", self.default_ordering)
        if choice not in self.orderings:
            raise exceptions.ValidationError(
                {
                    "ordering": [
                        _("Choose one of: %(choices)s.") % {"choices": ", ".join(self.orderings)}
                    ]
                }
            )
        self.ordering = self.orderings[choice]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Programs and sessions


class ProgramList(OrderingMixin, AgencyApiView):
    read_scope = Scope.PROGRAMS_READ

    @extend_schema(
        operation_id="programs_list",
        parameters=[_ordering_param(["id", "-id"])],
        responses=s.ProgramSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        self.choose_ordering(request)
        return self.page(request, program_list_for_agency(agency=self.agency), s.ProgramSerializer)


class ProgramDetail(AgencyApiView):
    read_scope = Scope.PROGRAMS_READ

    @extend_schema(operation_id="programs_retrieve", responses=s.ProgramSerializer)
    def get(self, request: Request, slug: str, program_id: int) -> Response:
        program = program_get_for_agency(agency=self.agency, program_id=program_id)
        return Response(s.ProgramSerializer(program).data)


SESSION_ORDERINGS = {
    "starts_at": ("starts_at", "id"),
    "-starts_at": ("-starts_at", "-id"),
    "id": ("id",),
    "-id": ("-id",),
}


class SessionList(OrderingMixin, AgencyApiView):
    read_scope = Scope.PROGRAMS_READ
    orderings = SESSION_ORDERINGS
    default_ordering = "starts_at"

    @extend_schema(
        operation_id="sessions_list",
        parameters=[s.SessionFilterSerializer, _ordering_param(list(SESSION_ORDERINGS))],
        responses=s.SessionSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        self.choose_ordering(request)
        filters = self.valid(s.SessionFilterSerializer, request.query_params)
        sessions = selectors.api_session_list(
            agency=self.agency,
            program_id=filters.get("program"),
            delivery_mode=filters.get("mode"),
            status=filters.get("status"),
            starts_after=filters.get("starts_after"),
            starts_before=filters.get("starts_before"),
        )
        return self.page(
            request, sessions, s.SessionSerializer, **self.context(request, filters.get("expand"))
        )


class SessionDetail(AgencyApiView):
    read_scope = Scope.PROGRAMS_READ

    @extend_schema(
        operation_id="sessions_retrieve",
        parameters=[OpenApiParameter("expand", OpenApiTypes.STR, enum=["program"], required=False)],
        responses=s.SessionSerializer,
    )
    def get(self, request: Request, slug: str, session_id: int) -> Response:
        session = session_get_for_agency(agency=self.agency, session_id=session_id)
        expand = {"program"} if request.query_params.get("expand") == "program" else set()
        return Response(s.SessionSerializer(session, context=self.context(request, expand)).data)


REGISTRATION_ORDERINGS = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "id": ("id",),
    "-id": ("-id",),
}


class RegistrationList(OrderingMixin, AgencyApiView):
    read_scope = Scope.PROGRAMS_READ
    write_scope = Scope.PROGRAMS_WRITE
    orderings = REGISTRATION_ORDERINGS

    @extend_schema(
        operation_id="registrations_list",
        parameters=[s.RegistrationFilterSerializer, _ordering_param(list(REGISTRATION_ORDERINGS))],
        responses=s.RegistrationSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        self.choose_ordering(request)
        filters = self.valid(s.RegistrationFilterSerializer, request.query_params)
        registrations = selectors.api_registration_list(
            agency=self.agency,
            session_id=filters.get("session"),
            client_id=filters.get("client"),
            status=filters.get("status"),
        )
        context = self.context(request, filters.get("expand"))
        response = self.page(request, registrations, s.RegistrationSerializer, **context)
        if "client" in context["expand"]:
            _audit_client_read(self.agency, [row["client_id"] for row in response.data["results"]])
        return response

    @extend_schema(
        operation_id="registrations_create",
        parameters=[IDEMPOTENCY_HEADER],
        request=s.RegistrationCreateSerializer,
        responses={201: s.RegistrationSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        return self.idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = self.valid(s.RegistrationCreateSerializer, request.data)
        session = _field_object(
            "session_id",
            lambda: session_get_for_agency(
                agency=self.agency, session_id=data["session_id"], with_seats=False
            ),
        )
        client = _field_object(
            "client_id",
            lambda: client_get_for_agency(agency=self.agency, client_id=data["client_id"]),
        )
        registration = program_services.registration_create(
            session=session,
            client=client,
            mode=data["mode"],
            actor=None,
            channel=RegistrationChannel.API,
        )
        registration = registration_get_for_agency(
            agency=self.agency, registration_id=registration.pk
        )
        return Response(s.RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


def _field_object(field: str, get: Callable[[], Any]) -> Any:
    from django.http import Http404

    try:
        return get()
    except Http404:
        raise exceptions.ValidationError({field: [_("Nothing with this id.")]}) from None


def _audit_client_read(agency: Agency, client_ids: list[int]) -> None:
    """Reads of client records through the API are audited like a staff member's view."""
    if client_ids:
        audit_log(agency=agency, actor=None, action="client.list", detail={"clients": client_ids})


class RegistrationDetail(AgencyApiView):
    read_scope = Scope.PROGRAMS_READ

    @extend_schema(operation_id="registrations_retrieve", responses=s.RegistrationSerializer)
    def get(self, request: Request, slug: str, registration_id: int) -> Response:
        registration = registration_get_for_agency(
            agency=self.agency, registration_id=registration_id
        )
        return Response(s.RegistrationSerializer(registration).data)


class RegistrationAction(AgencyApiView):
    read_scope = None
    write_scope = Scope.PROGRAMS_WRITE
    input_serializer: type[Serializer] | None = None

    def act(self, registration: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def post(self, request: Request, slug: str, registration_id: int) -> Response:
        def produce() -> Response:
            registration = registration_get_for_agency(
                agency=self.agency, registration_id=registration_id
            )
            data = self.valid(self.input_serializer, request.data) if self.input_serializer else {}
            self.act(registration, data)
            fresh = registration_get_for_agency(agency=self.agency, registration_id=registration_id)
            return Response(s.RegistrationSerializer(fresh).data)

        return self.idempotent(request, produce)


class RegistrationCancel(RegistrationAction):
    @extend_schema(
        operation_id="registrations_cancel",
        parameters=[IDEMPOTENCY_HEADER],
        request=None,
        responses=s.RegistrationSerializer,
    )
    def post(self, request: Request, slug: str, registration_id: int) -> Response:
        return super().post(request, slug, registration_id)

    def act(self, registration: Any, data: dict[str, Any]) -> Any:
        return program_services.registration_cancel(registration=registration, actor=None)


class RegistrationSwitchMode(RegistrationAction):
    input_serializer = s.SwitchModeSerializer

    @extend_schema(
        operation_id="registrations_switch_mode",
        parameters=[IDEMPOTENCY_HEADER],
        request=s.SwitchModeSerializer,
        responses=s.RegistrationSerializer,
    )
    def post(self, request: Request, slug: str, registration_id: int) -> Response:
        return super().post(request, slug, registration_id)

    def act(self, registration: Any, data: dict[str, Any]) -> Any:
        return program_services.registration_switch_mode(
            registration=registration, mode=data["mode"], actor=None
        )


class RegistrationAttendance(RegistrationAction):
    input_serializer = s.AttendanceSerializer

    @extend_schema(
        operation_id="registrations_attendance",
        parameters=[IDEMPOTENCY_HEADER],
        request=s.AttendanceSerializer,
        responses=s.RegistrationSerializer,
    )
    def post(self, request: Request, slug: str, registration_id: int) -> Response:
        return super().post(request, slug, registration_id)

    def act(self, registration: Any, data: dict[str, Any]) -> Any:
        choice = data["attendance"]
        if choice == AttendanceStatus.ATTENDED:
            return program_services.attendance_check_in(registration=registration, actor=None)
        if choice == AttendanceStatus.NO_SHOW:
            return program_services.attendance_mark_no_show(registration=registration, actor=None)
        return program_services.attendance_undo(registration=registration, actor=None)


# ---------------------------------------------------------------------------------------------
# Clients


CLIENT_ORDERINGS = {"id": ("id",), "-id": ("-id",), "created_at": ("created_at", "id")}


class ClientList(OrderingMixin, AgencyApiView):
    read_scope = Scope.CLIENTS_READ
    write_scope = f"{Scope.CLIENTS_WRITE}+{Scope.PERSONAL}"
    orderings = CLIENT_ORDERINGS

    @extend_schema(
        operation_id="clients_list",
        parameters=[s.ClientFilterSerializer, _ordering_param(list(CLIENT_ORDERINGS))],
        responses=s.ClientSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        self.choose_ordering(request)
        filters = self.valid(s.ClientFilterSerializer, request.query_params)
        clients = selectors.api_client_list(
            agency=self.agency,
            arrival_status=filters.get("arrival_status"),
            updated_since=filters.get("updated_since"),
        )
        response = self.page(request, clients, s.ClientSerializer, **self.context(request))
        _audit_client_read(self.agency, [row["id"] for row in response.data["results"]])
        return response

    @extend_schema(
        operation_id="clients_create",
        parameters=[IDEMPOTENCY_HEADER],
        request=s.ClientCreateSerializer,
        responses={201: s.ClientSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        def produce() -> Response:
            data = self.valid(s.ClientCreateSerializer, request.data)
            client = client_services.client_create(agency=self.agency, actor=None, **data)
            return Response(
                s.ClientSerializer(client, context=self.context(request)).data,
                status=status.HTTP_201_CREATED,
            )

        return self.idempotent(request, produce)


class ClientDetail(AgencyApiView):
    read_scope = Scope.CLIENTS_READ

    @extend_schema(operation_id="clients_retrieve", responses=s.ClientSerializer)
    def get(self, request: Request, slug: str, client_id: int) -> Response:
        client = client_get_for_agency(agency=self.agency, client_id=client_id)
        client_services.client_access_log(client=client, actor=None, action="client.view")
        return Response(s.ClientSerializer(client, context=self.context(request)).data)


# ---------------------------------------------------------------------------------------------
# Learning


class CourseList(OrderingMixin, AgencyApiView):
    read_scope = Scope.LEARNING_READ

    @extend_schema(
        operation_id="courses_list",
        parameters=[_ordering_param(["id", "-id"])],
        responses=s.CourseSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        self.choose_ordering(request)
        return self.page(request, course_list_for_agency(agency=self.agency), s.CourseSerializer)


class CourseDetail(AgencyApiView):
    read_scope = Scope.LEARNING_READ

    @extend_schema(operation_id="courses_retrieve", responses=s.CourseSerializer)
    def get(self, request: Request, slug: str, course_id: int) -> Response:
        course = course_get_for_agency(agency=self.agency, course_id=course_id)
        return Response(s.CourseSerializer(course).data)


class EnrolmentList(OrderingMixin, AgencyApiView):
    read_scope = Scope.LEARNING_READ

    @extend_schema(
        operation_id="enrolments_list",
        parameters=[s.EnrolmentFilterSerializer, _ordering_param(["id", "-id"])],
        responses=s.EnrolmentSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        self.choose_ordering(request)
        filters = self.valid(s.EnrolmentFilterSerializer, request.query_params)
        enrolments = selectors.api_enrolment_list(
            agency=self.agency,
            course_id=filters.get("course"),
            client_id=filters.get("client"),
            completed=filters.get("completed"),
        )
        return self.page(request, enrolments, s.EnrolmentSerializer)


class EnrolmentDetail(AgencyApiView):
    read_scope = Scope.LEARNING_READ

    @extend_schema(operation_id="enrolments_retrieve", responses=s.EnrolmentSerializer)
    def get(self, request: Request, slug: str, enrolment_id: int) -> Response:
        enrolment = selectors.api_enrolment_get(agency=self.agency, enrolment_id=enrolment_id)
        return Response(s.EnrolmentSerializer(enrolment).data)


# ---------------------------------------------------------------------------------------------
# Network: member agencies, shared program templates, learning counts (never individuals)


class NetworkAgencyList(OrderingMixin, NetworkApiView):
    @extend_schema(
        operation_id="network_agencies_list",
        parameters=[_ordering_param(["id", "-id"])],
        responses=s.AgencySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        self.choose_ordering(request)
        assert self.token is not None
        agencies = agency_list_active().filter(network_id=self.token.network_id)
        return self.page(request, agencies, s.AgencySerializer)


class NetworkTemplateList(OrderingMixin, NetworkApiView):
    @extend_schema(
        operation_id="network_program_templates_list",
        parameters=[_ordering_param(["id", "-id"])],
        responses=s.ProgramSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        self.choose_ordering(request)
        assert self.token is not None
        templates = (
            Program.objects.with_scopes_disabled()
            .filter(agency__isnull=True, network_id=self.token.network_id)
            .prefetch_related("elements")
        )
        return self.page(request, templates, s.ProgramSerializer)


class NetworkLearningSummary(NetworkApiView):
    pagination_class = None  # one row per member agency

    @extend_schema(
        operation_id="network_learning_summary",
        responses=s.LearningAggregateSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        assert self.token is not None
        rows = network_aggregates(network=self.token.network)
        return Response(s.LearningAggregateSerializer(rows, many=True).data)


# ---------------------------------------------------------------------------------------------
# Outcomes, survey responses, messages, employers and postings: read only, one shape for all


class ReadList(OrderingMixin, AgencyApiView):
    """A cursor-paginated list; `rows(filters)` is the agency's queryset, filtered."""

    serializer: type[Serializer]
    filters: type[Serializer] | None = None

    def rows(self, filters: dict[str, Any]) -> Any:
        raise NotImplementedError

    def audit(self, shown: list[dict[str, Any]]) -> None:
        """Record the read when the rows shown name people (the detail view calls it too)."""

    def get(self, request: Request, slug: str) -> Response:
        self.choose_ordering(request)
        filters = self.valid(self.filters, request.query_params) if self.filters else {}
        response = self.page(request, self.rows(filters), self.serializer, **self.context(request))
        self.audit(response.data["results"])
        return response


class ReadDetail(AgencyApiView):
    serializer: type[Serializer]
    lookup: str
    list_view: type[ReadList]

    def get(self, request: Request, slug: str, **kwargs: Any) -> Response:
        rows = self.list_view.rows(self, {})  # type: ignore[arg-type]
        found = rows.filter(pk=kwargs[self.lookup]).first()
        if found is None:
            raise exceptions.NotFound()
        data = self.serializer(found, context=self.context(request)).data
        self.list_view.audit(self, [data])  # type: ignore[arg-type]
        return Response(data)


def _read_only(
    name: str, list_class: type[ReadList], filters: type[Serializer] | None = None
) -> tuple[type[ReadList], type[ReadDetail]]:
    """Decorate a ReadList with its schema and make its detail view."""
    parameters: list[Any] = [_ordering_param(["id", "-id"])]
    if filters is not None:
        parameters.insert(0, filters)
    list_class = extend_schema_view(
        get=extend_schema(
            operation_id=f"{name}_list",
            parameters=parameters,
            responses=list_class.serializer(many=True),
        )
    )(list_class)
    lookup = f"{name.rstrip('s')}_id"
    detail = type(
        f"{list_class.__name__}Detail",
        (ReadDetail,),
        {
            "serializer": list_class.serializer,
            "lookup": lookup,
            "list_view": list_class,
            "read_scope": list_class.read_scope,
            "rows": list_class.rows,
        },
    )
    detail = extend_schema_view(
        get=extend_schema(operation_id=f"{name}_retrieve", responses=list_class.serializer)
    )(detail)
    return list_class, detail


class _OutcomeList(ReadList):
    read_scope = Scope.OUTCOMES_READ
    serializer = s.OutcomeSerializer
    filters = s.OutcomeFilterSerializer

    def rows(self, filters: dict[str, Any]) -> Any:
        return selectors.api_outcome_list(
            agency=self.agency,
            client_id=filters.get("client"),
            outcome_type=filters.get("outcome_type"),
            recorded_since=filters.get("recorded_since"),
        )


class _SurveyResponseList(ReadList):
    read_scope = Scope.OUTCOMES_READ
    serializer = s.SurveyResponseSerializer
    filters = s.SurveyResponseFilterSerializer
    orderings = {"submitted_at": ("submitted_at",), "-submitted_at": ("-submitted_at",)}
    default_ordering = "-submitted_at"

    def rows(self, filters: dict[str, Any]) -> Any:
        return selectors.api_survey_response_list(
            agency=self.agency,
            survey_id=filters.get("survey"),
            submitted_since=filters.get("submitted_since"),
        )

    def audit(self, shown: list[dict[str, Any]]) -> None:
        # Answers of a named client are read like the staff's response page (anonymous
        # responses name no one: nothing to record).
        named = [row for row in shown if row["client_id"] is not None]
        if named:
            audit_log(
                agency=self.agency,
                actor=None,
                action="survey_response.view",
                client_id=named[0]["client_id"] if len(shown) == 1 else None,
                detail={
                    "responses": [str(row["id"]) for row in named],
                    "clients": sorted({row["client_id"] for row in named}),
                },
            )


class _MessageList(ReadList):
    read_scope = Scope.MESSAGES_READ
    serializer = s.MessageSerializer
    filters = s.MessageFilterSerializer

    def rows(self, filters: dict[str, Any]) -> Any:
        return selectors.api_message_list(
            agency=self.agency, client_id=filters.get("client"), status=filters.get("status")
        )


class _EmployerList(ReadList):
    read_scope = Scope.EMPLOYERS_READ
    serializer = s.EmployerSerializer

    def rows(self, filters: dict[str, Any]) -> Any:
        return selectors.api_employer_list(agency=self.agency)


class _JobPostingList(ReadList):
    read_scope = Scope.EMPLOYERS_READ
    serializer = s.JobPostingSerializer
    filters = s.JobPostingFilterSerializer

    def rows(self, filters: dict[str, Any]) -> Any:
        return selectors.api_job_posting_list(
            agency=self.agency, employer_id=filters.get("employer"), status=filters.get("status")
        )


OutcomeList, OutcomeDetail = _read_only("outcomes", _OutcomeList, s.OutcomeFilterSerializer)
SurveyResponseList, SurveyResponseDetail = _read_only(
    "survey_responses", _SurveyResponseList, s.SurveyResponseFilterSerializer
)
MessageList, MessageDetail = _read_only("messages", _MessageList, s.MessageFilterSerializer)
EmployerList, EmployerDetail = _read_only("employers", _EmployerList)
JobPostingList, JobPostingDetail = _read_only(
    "job_postings", _JobPostingList, s.JobPostingFilterSerializer
)
