from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tremplin.api import services
from tremplin.api.models import Scope
from tremplin.api.tests.factories import Api, make_token, seed
from tremplin.audit.models import AuditEvent
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs.models import Registration, RegistrationStatus
from tremplin.programs.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


@pytest.fixture
def api(agency):
    _token, secret = make_token(agency=agency)
    return Api(secret, agency.slug)


def assert_error(response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"type", "message", "errors"}
    assert body["type"] == kind
    return body


def test_no_token_is_401_in_the_error_shape(client, agency):
    response = client.get(f"/api/v1/agencies/{agency.slug}/programs/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_errors_are_translated_by_accept_language(agency):
    response = Api("tpl_wrong", agency.slug, language="fr").get("programs/")
    body = assert_error(response, 401, "authentication_failed")
    assert body["message"] == "Ce jeton n'est pas valide : inconnu, expiré ou révoqué."


def test_unknown_api_path_is_a_json_404(agency):
    csrf_checking = Api("tpl_x", agency.slug)
    csrf_checking.http = type(csrf_checking.http)(enforce_csrf_checks=True)
    assert_error(csrf_checking.http.get("/api/v1/nothing/here/"), 404, "not_found")
    assert_error(csrf_checking.post("registrations/-1/cancel/"), 404, "not_found")


def test_revoked_and_expired_tokens_stop_working(agency):
    token, secret = make_token(agency=agency)
    api = Api(secret, agency.slug)
    assert api.get("programs/").status_code == 200
    services.token_revoke(token=token, actor=None)
    assert_error(api.get("programs/"), 401, "authentication_failed")
    token2, secret2 = make_token(agency=agency)
    type(token2).objects.filter(pk=token2.pk).update(expires_at=timezone.now() - timedelta(1))
    assert_error(Api(secret2, agency.slug).get("programs/"), 401, "authentication_failed")


def test_token_is_stored_hashed_and_shown_once(agency):
    token, secret = make_token(agency=agency)
    assert secret.startswith("tpl_") and len(secret) > 40
    assert secret not in token.key_hash and token.prefix == secret[:12]


def test_a_missing_scope_is_403(agency):
    _token, secret = make_token(agency=agency, scopes=[Scope.LEARNING_READ])
    assert_error(Api(secret, agency.slug).get("programs/"), 403, "permission_denied")


def test_a_token_of_another_agency_gets_404(agency, other_agency):
    _token, secret = make_token(agency=other_agency)
    session = SessionFactory(element__program__agency=agency)
    api = Api(secret, agency.slug)
    assert_error(api.get("programs/"), 404, "not_found")
    assert_error(Api(secret, other_agency.slug).get(f"sessions/{session.pk}/"), 404, "not_found")


def test_every_request_is_audited_with_the_token_name(api, agency):
    api.get("programs/")
    event = AuditEvent.objects.get(agency=agency, action="api.request")
    assert event.detail["token"] == "Case management"
    assert event.detail["status"] == 200


def test_rate_limit_per_token_answers_429_with_retry_after(agency):
    _token, secret = make_token(agency=agency, rate_limit_per_minute=3)
    api = Api(secret, agency.slug)
    statuses = [api.get("programs/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("programs/")
    assert_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 61
    # Another token has its own budget.
    _other, other_secret = make_token(agency=agency)
    assert Api(other_secret, agency.slug).get("programs/").status_code == 200


def test_body_size_is_limited(api, settings):
    settings.API_MAX_BODY_BYTES = 100
    response = api.post("clients/", {"first_name": "x" * 200, "last_name": "y"})
    assert_error(response, 413, "body_too_large")


def test_sessions_show_seats_left_per_mode(api, agency):
    session = SessionFactory(element__program__agency=agency, in_person_capacity=2)
    for client in ClientFactory.create_batch(3, agency=agency):
        api.post(
            "registrations/",
            {"session_id": session.pk, "client_id": client.pk, "mode": "in_person"},
        )
    seats = api.get(f"sessions/{session.pk}/").json()["seats"]
    assert seats["in_person"] == {
        "offered": True,
        "capacity": 2,
        "confirmed": 2,
        "waitlisted": 1,
        "left": 0,
    }
    assert seats["online"]["left"] == 10


def test_registration_create_cancel_switch_and_attendance_go_through_the_services(api, agency):
    session = SessionFactory(element__program__agency=agency, in_person_capacity=1)
    first, second = ClientFactory.create_batch(2, agency=agency)
    created = api.post(
        "registrations/", {"session_id": session.pk, "client_id": first.pk, "mode": "in_person"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "confirmed" and created.json()["channel"] == "api"
    waiting = api.post(
        "registrations/", {"session_id": session.pk, "client_id": second.pk, "mode": "in_person"}
    ).json()
    assert waiting["status"] == "waitlisted" and waiting["waitlist_position"] == 1
    duplicate = api.post(
        "registrations/", {"session_id": session.pk, "client_id": first.pk, "mode": "online"}
    )
    assert_error(duplicate, 409, "duplicate")
    switched = api.post(f"registrations/{created.json()['id']}/switch-mode/", {"mode": "online"})
    assert switched.json()["mode"] == "online"
    # The freed room seat went to the person waiting.
    assert Registration.objects.get(pk=waiting["id"]).status == RegistrationStatus.CONFIRMED
    cancelled = api.post(f"registrations/{created.json()['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    # The session starts: attendance can be recorded.
    type(session).objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    attended = api.post(f"registrations/{waiting['id']}/attendance/", {"attendance": "attended"})
    assert attended.status_code == 200, attended.content
    assert attended.json()["attendance"] == "attended"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"registration.create", "registration.switch_mode", "registration.cancel"} <= actions


def test_bad_input_is_a_400_with_field_errors_and_writes_nothing(api, agency, other_agency):
    foreign = SessionFactory(element__program__agency=other_agency)
    client = ClientFactory(agency=agency)
    response = api.post(
        "registrations/", {"session_id": foreign.pk, "client_id": client.pk, "mode": "boat"}
    )
    body = assert_error(response, 400, "invalid")
    assert "mode" in body["errors"]
    response = api.post(
        "registrations/", {"session_id": foreign.pk, "client_id": client.pk, "mode": "online"}
    )
    assert assert_error(response, 400, "invalid")["errors"] == {
        "session_id": ["Nothing with this id."]
    }
    assert not Registration.objects.exists()
    assert_error(
        api.http.post(api.url("clients/"), "{not json", content_type="application/json"),
        400,
        "parse_error",
    )


def test_an_idempotency_key_replays_the_first_answer(api, agency):
    session = SessionFactory(element__program__agency=agency)
    client = ClientFactory(agency=agency)
    body = {"session_id": session.pk, "client_id": client.pk, "mode": "online"}
    first = api.post("registrations/", body, **{"Idempotency-Key": "abc-1"})
    again = api.post("registrations/", body, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Registration.objects.count() == 1
    other = api.post(
        "registrations/", {**body, "mode": "in_person"}, **{"Idempotency-Key": "abc-1"}
    )
    assert_error(other, 422, "idempotency_key_reused")


def test_personal_fields_only_with_the_personal_scope_and_reads_are_audited(agency):
    record = ClientFactory(agency=agency, first_name="Amina", email="amina@example.org")
    _t, plain = make_token(agency=agency, scopes=[Scope.CLIENTS_READ])
    _t, personal = make_token(agency=agency, scopes=[Scope.CLIENTS_READ, Scope.PERSONAL])
    hidden = Api(plain, agency.slug).get(f"clients/{record.pk}/").json()
    assert "first_name" not in hidden and "email" not in hidden and hidden["id"] == record.pk
    assert "Amina" not in str(Api(plain, agency.slug).get("clients/").json())
    shown = Api(personal, agency.slug).get(f"clients/{record.pk}/").json()
    assert shown["first_name"] == "Amina"
    assert AuditEvent.objects.filter(action="client.view", client_id=record.pk).count() == 2
    assert AuditEvent.objects.filter(action="client.list").exists()


def test_client_create_needs_write_and_personal_scopes(agency):
    _t, secret = make_token(agency=agency, scopes=[Scope.CLIENTS_READ, Scope.CLIENTS_WRITE])
    body = {"first_name": "Nour", "last_name": "Haddad", "email": "nour@example.org"}
    assert_error(Api(secret, agency.slug).post("clients/", body), 403, "permission_denied")
    _t, full = make_token(agency=agency)
    created = Api(full, agency.slug).post("clients/", body)
    assert created.status_code == 201 and created.json()["first_name"] == "Nour"
    assert AuditEvent.objects.filter(action="client.create").exists()


def test_survey_responses_carry_their_answers_free_text_only_with_the_personal_scope(agency):
    ids = seed(agency)
    named_id, anonymous_id = (str(i) for i in ids["survey_response_id"])
    _t, plain = make_token(agency=agency, scopes=[Scope.OUTCOMES_READ])
    _t, personal = make_token(agency=agency, scopes=[Scope.OUTCOMES_READ, Scope.PERSONAL])

    def answers(secret):
        body = Api(secret, agency.slug).get("survey-responses/").json()
        rows = {row["id"]: row for row in body["results"]}
        return rows, {
            rid: {a["question"]: (a["type"], a["value"], a["withheld"]) for a in row["answers"]}
            for rid, row in rows.items()
        }

    rows, without = answers(plain)
    assert without[named_id] == {
        "satisfaction": ("likert", 4, False),
        "comments": ("text", None, True),
        "helped": ("yes_no", True, False),
    }
    assert without[anonymous_id] == {"ideas": ("text", None, True), "score": ("nps", 9, False)}
    assert rows[anonymous_id]["client_id"] is None and rows[anonymous_id]["is_anonymous"]
    assert rows[named_id]["client_id"] == ids["client_id"][0]
    assert [a["question"] for a in rows[named_id]["answers"]] == [
        "satisfaction",
        "comments",
        "helped",
    ]  # the survey's order
    assert all(isinstance(a["question_id"], int) for a in rows[named_id]["answers"])
    assert "Sam" not in Api(plain, agency.slug).get("survey-responses/").content.decode()

    rows, full = answers(personal)
    assert full[named_id]["comments"] == ("text", "Sam found the workshop useful", False)
    assert full[anonymous_id]["ideas"] == ("text", "More evening sessions, says Sam", False)
    # Anonymous: no identity even with the personal scope.
    assert rows[anonymous_id]["client_id"] is None and "user" not in rows[anonymous_id]
    detail = Api(personal, agency.slug).get(f"survey-responses/{anonymous_id}/").json()
    assert detail["client_id"] is None and len(detail["answers"]) == 2
    # Reading a named client's answers is audited like the staff's response page.
    event = AuditEvent.objects.filter(action="survey_response.view").first()
    assert event is not None and event.detail["clients"] == [ids["client_id"][0]]
    assert anonymous_id not in event.detail["responses"]
    Api(plain, agency.slug).get(f"survey-responses/{named_id}/")
    assert AuditEvent.objects.filter(
        action="survey_response.view", client_id=ids["client_id"][0]
    ).exists()


LISTS = [
    "programs/",
    "sessions/?expand=program",
    "registrations/?expand=session&expand=client",
    "clients/",
    "courses/",
    "enrolments/",
    "outcomes/",
    "survey-responses/",
    "messages/",
    "employers/",
    "job-postings/",
]


def test_list_query_counts_do_not_grow_with_rows(api, agency, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seed(agency)
    api.get("programs/")  # the first request of the minute also records the token's last use
    counts = {}
    for path in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        counts[path] = len(queries)
    assert max(counts.values()) <= 6, counts
    seed(agency)
    seed(agency)
    for path in LISTS:
        with django_assert_num_queries(counts[path]):
            response = api.get(path)
        assert len(response.json()["results"]) > 1


def test_cursor_pagination_walks_every_row_once(api, agency):
    ClientFactory.create_batch(7, agency=agency)
    seen, url = [], api.url("clients/?page_size=3")
    while url:
        page = api.http.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 7


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/agencies/{slug}/registrations/" in paths
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "http" not in docs.lower() and "<style" not in docs and "<script>" not in docs
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"/api/v1/schema/" in script.content
