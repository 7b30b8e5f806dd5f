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


def _closed_session_with(agency, people: int):
    """A session that has ended, with `people` confirmed registrations, the first checked in."""
    from datetime import timedelta

    from django.utils import timezone

    from tremplin.clients.tests.factories import ClientFactory
    from tremplin.programs.models import Session
    from tremplin.programs.tests.factories import SessionFactory

    session = SessionFactory(element__program__agency=agency, online_capacity=people)
    registrations = [
        programs.registration_create(session=session, client=c, mode="online", actor=None)
        for c in ClientFactory.create_batch(people, agency=agency)
    ]
    past = timezone.now() - timedelta(hours=3)
    Session.objects.filter(pk=session.pk).update(starts_at=past, ends_at=past + timedelta(hours=1))
    Registration.objects.filter(pk=registrations[0].pk).update(attendance="attended")
    session.refresh_from_db()
    return session, registrations


def test_closing_a_session_emits_one_attendance_event_per_person_marked_absent(agency):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    endpoint = webhook_endpoint_create(
        agency=agency, actor=None, url="https://hooks.example.org/", events=["attendance.recorded"]
    )
    queries = []
    for people in (3, 12):
        session, registrations = _closed_session_with(agency, people)
        before = set(WebhookDelivery.objects.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as captured:
            programs.session_complete(session=session, actor=None)
        queries.append(len(captured))
        new = WebhookDelivery.objects.exclude(pk__in=before).select_related("event")
        assert sorted(int(d.event.object_id) for d in new) == sorted(
            r.pk for r in registrations[1:]
        )  # everyone marked absent, not the person checked in
        assert {(d.event.event_type, d.endpoint_id, d.object_key.split(":")[0]) for d in new} == {
            ("attendance.recorded", endpoint.pk, "registration")
        }
        assert set(
            Registration.objects.filter(session=session).values_list("attendance", flat=True)
        ) == {"attended", "no_show"}
    assert queries[0] == queries[1], queries  # bulk: the same queries for 3 or 12 people


def test_closing_a_session_without_subscribers_writes_no_event(agency):
    session, _registrations = _closed_session_with(agency, 4)
    programs.session_complete(session=session, actor=None)
    assert not WebhookDelivery.objects.exists()


def test_network_lists_keep_a_constant_query_count(network, agency, other_agency):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tremplin.agencies.tests.factories import AgencyFactory
    from tremplin.programs.tests.factories import ProgramFactory

    _t, secret = make_token(agency=None, network=network, scopes=[NETWORK_SCOPE])
    api = Api(secret)
    paths = [
        "/api/v1/network/agencies/",
        "/api/v1/network/program-templates/",
        "/api/v1/network/learning-summary/",
    ]

    def counts() -> dict[str, int]:
        found = {}
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert api.get(path).status_code == 200
            found[path] = len(queries)
        return found

    ProgramFactory(agency=None, network=network)
    seed(agency)
    api.get(paths[0])  # the first request of the minute also records the token's last use
    before = counts()
    AgencyFactory.create_batch(3, network=network)
    ProgramFactory.create_batch(4, agency=None, network=network)
    seed(other_agency)
    assert counts() == before
    assert max(before.values()) <= 6, before
