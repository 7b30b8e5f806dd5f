"""Reads for the survey pages, always within one agency."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tremplin.agencies.models import Agency
from tremplin.clients.models import Client
from tremplin.surveys.models import (
    Answer,
    Invitation,
    InvitationStatus,
    Question,
    Response,
    Section,
    Survey,
    SurveySettings,
)


def survey_list_for_agency(*, agency: Agency) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(agency=agency)
        .annotate(
            n_responses=Count("responses", distinct=True),
            n_invited=Count("invitations", distinct=True),
            n_partial=Count(
                "invitations", filter=Q(invitations__status=InvitationStatus.PARTIAL), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )


def survey_get(*, agency: Agency, survey_id: int) -> Survey:
    survey = Survey.objects.filter(agency=agency, pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey


def section_get(*, agency: Agency, section_id: int) -> Section:
    section = Section.objects.filter(agency=agency, pk=section_id).select_related("survey").first()
    if section is None:
        raise Http404
    return section


def question_get(*, agency: Agency, survey_id: int, name: str) -> Question:
    question = (
        Question.objects.filter(agency=agency, survey_id=survey_id, name=name)
        .select_related("survey", "section")
        .first()
    )
    if question is None:
        raise Http404
    return question


def templates_for_agency(*, agency: Agency) -> list[Survey]:
    templates = list(
        Survey.objects.with_scope(agency=None).filter(
            network_id=agency.network_id, agency__isnull=True
        )
    )
    adopted = set(
        Survey.objects.filter(agency=agency, template__in=templates).values_list(
            "template_id", flat=True
        )
    )
    for template in templates:
        template.adopted = template.pk in adopted  # type: ignore[attr-defined]
    return templates


def template_get(*, agency: Agency, survey_id: int) -> Survey:
    template = (
        Survey.objects.with_scope(agency=None)
        .filter(network_id=agency.network_id, agency__isnull=True, pk=survey_id)
        .first()
    )
    if template is None:
        raise Http404
    return template


def invitations_for_survey(*, survey: Survey) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(survey=survey)
        .select_related("client", "user")
        .order_by("-created_at", "-id")
    )


def invitation_get(*, agency: Agency, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(agency=agency, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def responses_for_survey(*, survey: Survey) -> QuerySet[Response]:
    return (
        Response.objects.filter(survey=survey)
        .select_related("client", "program")
        .order_by("-submitted_at")
    )


def response_get(*, agency: Agency, response_id: Any) -> Response:
    response = (
        Response.objects.filter(agency=agency, pk=response_id)
        .select_related("survey", "client", "program")
        .first()
    )
    if response is None:
        raise Http404
    return response


def answers_of(*, response: Response) -> QuerySet[Answer]:
    return Answer.objects.filter(agency_id=response.agency_id, response=response).select_related(
        "question", "question__section"
    )


def responses_of_client(*, client: Client) -> QuerySet[Response]:
    return Response.objects.filter(agency_id=client.agency_id, client=client).select_related(
        "survey"
    )


def cohort_clients(*, agency: Agency, cohort: str, ref: int) -> list[Client]:
    """The clients of a cohort: a session's attendees, a program's completers, a course's
    learners, or one client."""
    from tremplin.learning.models import Enrolment
    from tremplin.outcomes.models import Completion
    from tremplin.programs.models import Registration

    clients = Client.objects.filter(agency=agency)
    ids: Any
    if cohort == "session":
        ids = Registration.objects.filter(
            agency=agency, session_id=ref, attendance="attended"
        ).values_list("client_id", flat=True)
    elif cohort == "program":
        ids = Completion.objects.filter(agency=agency, program_id=ref).values_list(
            "client_id", flat=True
        )
    elif cohort == "course":
        ids = Enrolment.objects.filter(
            agency=agency, course_id=ref, client__isnull=False
        ).values_list("client_id", flat=True)
    else:
        ids = clients.filter(pk=ref).values_list("pk", flat=True)
    return list(clients.filter(pk__in=list(ids)).order_by("last_name", "first_name", "id"))


def survey_settings_get(*, agency: Agency) -> SurveySettings:
    """The agency's settings, or the defaults (unsaved) when it never changed them."""
    return SurveySettings.objects.filter(agency=agency).first() or SurveySettings(agency=agency)
