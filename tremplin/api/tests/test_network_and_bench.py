import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tremplin.api.models import NETWORK_SCOPE, WebhookDelivery
from tremplin.api.services import webhook_endpoint_create
from tremplin.api.tests.factories import Api, make_token, seed
from tremplin.programs import services as programs
from tremplin.programs.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


def test_a_network_token_reads_counts_per_agency_never_an_agency(agency, other_agency):
    seed(agency)
    _t, secret = make_token(agency=None, network=agency.network, scopes=[NETWORK_SCOPE])
    api = Api(secret)
    agencies = api.get("/api/v1/network/agencies/").json()["results"]
    assert {row["slug"] for row in agencies} == {"alpha", "beta"}
    summary = {row["agency"]: row for row in api.get("/api/v1/network/learning-summary/").json()}
    assert summary["alpha"]["enrolments"] == 1 and summary["beta"]["enrolments"] == 0
    assert api.get("/api/v1/network/program-templates/").status_code == 200
    assert Api(secret, agency.slug).get("programs/").status_code == 404
    _t, agency_secret = make_token(agency=agency)
    assert Api(agency_secret).get("/api/v1/network/agencies/").status_code == 404


def test_attendance_and_registration_events_are_emitted_by_the_services(agency):
    endpoint = webhook_endpoint_create(
        agency=agency, actor=None, url="https://hooks.example.org/", events=["attendance.recorded"]
    )
    ids = seed(agency)
    registration = Registration.objects.filter(
        pk__in=ids["registration_id"], status="confirmed"
    ).first()
    type(registration.session).objects.filter(pk=registration.session_id).update(
        starts_at=registration.session.starts_at.replace(year=2020),
        ends_at=registration.session.ends_at.replace(year=2020),
    )
    registration.refresh_from_db()
    programs.attendance_mark_no_show(registration=registration, actor=None)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event.event_type == "attendance.recorded"
    assert delivery.event.object_id == str(registration.pk)


def test_bench_api_prints_requests_per_second(transactional_db):
    out = io.StringIO()
    call_command(
        "bench",
        "api",
        "--seconds",
        "0.3",
        "--workers",
        "1",
        "--clients",
        "20",
        "--sessions",
        "3",
        stdout=out,
    )
    text = out.getvalue()
    assert "req/s" in text and "POST registrations/" in text and "invariants: ok" in text


def test_course_completion_is_emitted_once(network, agency, client_user):
    from tremplin.learning import services as learning
    from tremplin.learning.tests.factories import quiz_answers, small_course

    webhook_endpoint_create(
        agency=agency, actor=None, url="https://hooks.example.org/", events=["course.completed"]
    )
    course = small_course(network=network)
    enrolment = learning.enrolment_create(
        agency=agency, course=course.course, user=client_user, actor=client_user
    )
    for lesson in (course.text, course.video, course.quiz, course.final):
        learning.lesson_open(enrolment=enrolment, lesson=lesson)
        if lesson == course.quiz:
            learning.quiz_submit(enrolment=enrolment, lesson=lesson, answers=quiz_answers(lesson))
        else:
            learning.lesson_complete(enrolment=enrolment, lesson=lesson)
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event.event_type == "course.completed"
    assert delivery.event.object_id == str(enrolment.pk)
