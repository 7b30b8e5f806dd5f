"""Reads of the api app: tokens, webhooks, and the agency-wide lists the API serves.

Object reads go through the owning apps' selectors where they exist (program, session,
registration, client, course); the lists below add only what the API filters on.
"""

from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tremplin.agencies.models import Agency, Network
from tremplin.api.models import ApiToken, NetworkAuditEvent, WebhookDelivery, WebhookEndpoint
from tremplin.clients.models import Client
from tremplin.employers.models import Employer, JobPosting
from tremplin.learning.models import Enrolment
from tremplin.messaging.models import OutboundMessage
from tremplin.outcomes.models import Outcome
from tremplin.programs.models import Registration, Session
from tremplin.programs.selectors import session_list_for_staff
from tremplin.surveys.models import Answer
from tremplin.surveys.models import Response as SurveyResponse

MAX_TOKEN_LENGTH = 200


def token_get_by_secret(*, raw: str) -> ApiToken | None:
    from tremplin.api.services import token_hash

    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return (
        ApiToken.objects.with_scopes_disabled()
        .select_related("agency", "network")
        .filter(key_hash=token_hash(raw))
        .first()
    )


def token_list_for_agency(*, agency: Agency) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.with_scope(agency=agency)
        .filter(agency=agency)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-id")
    )


def token_get_for_agency(*, agency: Agency, api_token_id: int) -> ApiToken:
    token = token_list_for_agency(agency=agency).filter(pk=api_token_id).first()
    if token is None:
        raise Http404
    return token


def token_list_for_network(*, network: Network) -> QuerySet[ApiToken]:
    """The network's own tokens (no agency): network tokens are outside every agency scope."""
    return (
        ApiToken.objects.with_scopes_disabled()
        .filter(network=network, agency__isnull=True)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-id")
    )


def token_get_for_network(*, network: Network, api_token_id: int) -> ApiToken:
    token = token_list_for_network(network=network).filter(pk=api_token_id).first()
    if token is None:
        raise Http404
    return token


def network_audit_recent(*, network: Network, limit: int = 50) -> QuerySet[NetworkAuditEvent]:
    return (
        NetworkAuditEvent.objects.filter(network=network)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def webhook_endpoint_list(*, agency: Agency) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.with_scope(agency=agency).filter(agency=agency).order_by("id")


def webhook_endpoint_get(*, agency: Agency, webhook_endpoint_id: int) -> WebhookEndpoint:
    endpoint = webhook_endpoint_list(agency=agency).filter(pk=webhook_endpoint_id).first()
    if endpoint is None:
        raise Http404
    return endpoint


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.with_scope(agency=endpoint.agency_id)
        .filter(endpoint=endpoint)
        .select_related("event")
        .order_by("-id")
    )


# ---------------------------------------------------------------------------------------------
# Lists served by the API (cursor-paginated by the views)


def api_session_list(
    *,
    agency: Agency,
    program_id: int | None = None,
    delivery_mode: str | None = None,
    status: str | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
) -> QuerySet[Session]:
    sessions = session_list_for_staff(agency=agency)  # with seat counts per mode
    if program_id:
        sessions = sessions.filter(element__program_id=program_id)
    if delivery_mode:
        sessions = sessions.filter(delivery_mode=delivery_mode)
    if status:
        sessions = sessions.filter(status=status)
    if starts_after:
        sessions = sessions.filter(starts_at__gte=starts_after)
    if starts_before:
        sessions = sessions.filter(starts_at__lt=starts_before)
    return sessions


def api_registration_list(
    *,
    agency: Agency,
    session_id: int | None = None,
    client_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Registration]:
    registrations = (
        Registration.objects.with_scope(agency=agency)
        .filter(agency=agency)
        .select_related("session", "client")
    )
    if session_id:
        registrations = registrations.filter(session_id=session_id)
    if client_id:
        registrations = registrations.filter(client_id=client_id)
    if status:
        registrations = registrations.filter(status=status)
    return registrations


def api_client_list(
    *, agency: Agency, arrival_status: str | None = None, updated_since: datetime | None = None
) -> QuerySet[Client]:
    clients = Client.objects.with_scope(agency=agency).filter(agency=agency)
    if arrival_status:
        clients = clients.filter(arrival_status=arrival_status)
    if updated_since:
        clients = clients.filter(updated_at__gte=updated_since)
    return clients


def api_enrolment_list(
    *,
    agency: Agency,
    course_id: int | None = None,
    client_id: int | None = None,
    completed: bool | None = None,
) -> QuerySet[Enrolment]:
    enrolments = Enrolment.objects.with_scope(agency=agency).filter(agency=agency)
    if course_id:
        enrolments = enrolments.filter(course_id=course_id)
    if client_id:
        enrolments = enrolments.filter(client_id=client_id)
    if completed is not None:
        enrolments = enrolments.filter(completed_at__isnull=not completed)
    return enrolments


def api_enrolment_get(*, agency: Agency, enrolment_id: int) -> Enrolment:
    enrolment = api_enrolment_list(agency=agency).filter(pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    return enrolment


# ---------------------------------------------------------------------------------------------
# Outcomes, survey responses, messages, employers


def api_outcome_list(
    *,
    agency: Agency,
    client_id: int | None = None,
    outcome_type: str | None = None,
    recorded_since: date | None = None,
) -> QuerySet[Outcome]:
    outcomes = Outcome.objects.with_scope(agency=agency).filter(agency=agency)
    if client_id:
        outcomes = outcomes.filter(client_id=client_id)
    if outcome_type:
        outcomes = outcomes.filter(outcome_type=outcome_type)
    if recorded_since:
        outcomes = outcomes.filter(recorded_on__gte=recorded_since)
    return outcomes


def api_survey_response_list(
    *, agency: Agency, survey_id: int | None = None, submitted_since: datetime | None = None
) -> QuerySet[SurveyResponse]:
    # The answers and their questions in one more query, whatever the page's length.
    answers = (
        Answer.objects.with_scope(agency=agency)
        .filter(agency=agency)
        .select_related("question")
        .only(
            "id",
            "response_id",
            "value",
            "question__id",
            "question__name",
            "question__question_type",
        )
        .order_by("question__section__position", "question__position", "id")
    )
    responses = (
        SurveyResponse.objects.with_scope(agency=agency)
        .filter(agency=agency)
        .prefetch_related(Prefetch("answers", queryset=answers))
    )
    if survey_id:
        responses = responses.filter(survey_id=survey_id)
    if submitted_since:
        responses = responses.filter(submitted_at__gte=submitted_since)
    return responses


def api_message_list(
    *, agency: Agency, client_id: int | None = None, status: str | None = None
) -> QuerySet[OutboundMessage]:
    messages = OutboundMessage.objects.with_scope(agency=agency).filter(agency=agency)
    if client_id:
        messages = messages.filter(client_id=client_id)
    if status:
        messages = messages.filter(status=status)
    return messages


def api_employer_list(*, agency: Agency) -> QuerySet[Employer]:
    return Employer.objects.with_scope(agency=agency).filter(agency=agency)


def api_job_posting_list(
    *, agency: Agency, employer_id: int | None = None, status: str | None = None
) -> QuerySet[JobPosting]:
    postings = JobPosting.objects.with_scope(agency=agency).filter(agency=agency)
    if employer_id:
        postings = postings.filter(employer_id=employer_id)
    if status:
        postings = postings.filter(status=status)
    return postings
