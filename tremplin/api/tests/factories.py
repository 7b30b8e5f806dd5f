from datetime import timedelta

from django.test import Client as HttpClient
from django.utils import timezone

from tremplin.api import services
from tremplin.api.models import AGENCY_SCOPES, ApiToken


def make_token(
    *, agency, scopes=AGENCY_SCOPES, name: str = "Case management", **extra
) -> tuple[ApiToken, str]:
    return services.token_create(
        agency=agency,
        network=agency.network if agency is not None else extra.pop("network"),
        actor=None,
        name=name,
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=30),
        **extra,
    )


class Api:
    """The test client with a token, JSON bodies and the API prefix of one agency."""

    def __init__(self, secret: str, slug: str | None = None, language: str = "en") -> None:
        self.http = HttpClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=language)
        self.slug = slug

    def url(self, path: str) -> str:
        if path.startswith("/"):
            return path
        return f"/api/v1/agencies/{self.slug}/{path}"

    def get(self, path: str, **params):
        return self.http.get(self.url(path), params)

    def post(self, path: str, body=None, **headers):
        return self.http.post(
            self.url(path), body or {}, content_type="application/json", headers=headers
        )


def seed(agency) -> dict[str, list[int]]:
    """A small demo-like agency: programs with sessions in every mode (one full, with a
    waitlist), clients, registrations (one cancelled, one attended), a course and enrolments.
    Returns the ids by URL kwarg name."""
    from django_scopes import scopes_disabled

    from tremplin.accounts.models import User
    from tremplin.clients.tests.factories import ClientFactory
    from tremplin.core.choices import DeliveryMode
    from tremplin.learning.models import Enrolment
    from tremplin.learning.tests.factories import CourseFactory
    from tremplin.programs import services as programs
    from tremplin.programs.tests.factories import SessionFactory

    with scopes_disabled():
        clients = ClientFactory.create_batch(6, agency=agency)
        hybrid = SessionFactory(element__program__agency=agency, in_person_capacity=2)
        online = SessionFactory(
            element__program__agency=agency,
            delivery_mode=DeliveryMode.ONLINE,
            in_person_capacity=0,
            location=None,
            online_capacity=1,
        )
        registrations = [
            programs.registration_create(session=hybrid, client=c, mode="in_person", actor=None)
            for c in clients[:3]
        ] + [
            programs.registration_create(session=online, client=c, mode="online", actor=None)
            for c in clients[3:5]
        ]
        programs.registration_cancel(registration=registrations[-1], actor=None)
        course = CourseFactory(network=agency.network, agency=agency)  # the agency's own
        user = User.objects.create_user(
            email=f"learner-{agency.slug}-{course.pk}@example.org", password=None
        )
        enrolment = Enrolment.objects.create(
            agency=agency, course=course, user=user, client=clients[0], percent_complete=40
        )
        others = _seed_other_apps(agency, clients[0])
    return {
        **others,
        "program_id": [hybrid.element.program_id, online.element.program_id],
        "session_id": [hybrid.pk, online.pk],
        "registration_id": [r.pk for r in registrations],
        "client_id": [c.pk for c in clients],
        "course_id": [course.pk],
        "enrolment_id": [enrolment.pk],
    }


def _seed_other_apps(agency, client) -> dict[str, list]:
    """Rows of the apps built alongside the API (outcomes, surveys, messaging, employers)."""
    from datetime import date

    from django.utils import timezone as tz
    from i18nfield.strings import LazyI18nString

    from tremplin.employers.models import Employer, JobPosting, Sector, SizeBand
    from tremplin.messaging.models import OutboundMessage
    from tremplin.outcomes.services import outcome_record
    from tremplin.surveys.models import Answer, Question
    from tremplin.surveys.models import Response as SurveyResponse
    from tremplin.surveys.tests.factories import T, build_survey

    outcome = outcome_record(
        agency=agency,
        client=client,
        actor=None,
        outcome_type="hired",
        recorded_on=date.today(),
        employer_name="Maple Foods",
        notes="Sam starts Monday",
    )
    survey = build_survey(
        agency,
        [
            {"name": "satisfaction", "question_type": "likert"},
            {"name": "comments", "question_type": "text"},
            {"name": "helped", "question_type": "yes_no"},
        ],
        title=T("Exit survey"),
    )
    anonymous = build_survey(
        agency,
        [{"name": "ideas", "question_type": "text"}, {"name": "score", "question_type": "nps"}],
        title=T("Anonymous feedback"),
        is_anonymous=True,
    )
    response = SurveyResponse.objects.create(
        agency=agency, survey=survey, client=client, submitted_at=tz.now()
    )
    unnamed = SurveyResponse.objects.create(
        agency=agency, survey=anonymous, is_anonymous=True, submitted_at=tz.now()
    )
    questions = {q.name: q for q in Question.objects.filter(survey__in=[survey, anonymous])}
    Answer.objects.bulk_create(
        Answer(agency=agency, response=r, question=questions[name], value=value, number=number)
        for r, name, value, number in (
            (response, "satisfaction", 4, 4),
            (response, "comments", "Sam found the workshop useful", None),
            (response, "helped", True, 1),
            (unnamed, "ideas", "More evening sessions, says Sam", None),
            (unnamed, "score", 9, 9),
        )
    )
    message = OutboundMessage.objects.create(
        agency=agency, client=client, to="+14035550000", text="Hello Sam", language="en"
    )
    employer = Employer.objects.create(
        agency=agency, name="Maple Foods", sector=Sector.values[0], size_band=SizeBand.values[0]
    )
    posting = JobPosting.objects.create(
        agency=agency,
        employer=employer,
        title=LazyI18nString({"en": "Baker"}),
        description=LazyI18nString({"en": "Bake bread"}),
        noc_code="63202",
        work_mode="on_site",
        employment_type="full_time",
        closing_date=date.today(),
    )
    return {
        "outcome_id": [outcome.pk],
        "survey_response_id": [response.pk, unnamed.pk],
        "message_id": [message.pk],
        "employer_id": [employer.pk],
        "job_posting_id": [posting.pk],
    }
