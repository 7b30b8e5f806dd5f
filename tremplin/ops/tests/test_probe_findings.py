"""One test per finding of the security probe (issue 10); each failed before its fix."""

import io
import logging
import subprocess
import sys
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse

from tremplin.agencies.models import Membership
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import LocationFactory, member
from tremplin.assistant.models import ConversationMessage
from tremplin.assistant.tests.chat import TWILIO_TOKEN, post_sms
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client
from tremplin.ops.cache import DatabaseCache, RedisCache
from tremplin.ops.logging import RedactPersonalData
from tremplin.programs.models import Recording, Session
from tremplin.programs.tests.factories import ServiceElementFactory, SessionFactory

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def _recording_post(client, agency, session, upload):
    return client.post(
        reverse(
            "programs:recording_create",
            kwargs={"agency_slug": agency.slug, "session_id": session.pk},
        ),
        {"title_0": "Recording", "title_1": "", "file": upload},
    )


# ---- limits across processes ------------------------------------------------------------------


def test_without_redis_the_cache_is_shared_by_every_process():
    """Settings without REDIS_URL used a per-process LocMemCache (4 workers = 4 counters)."""
    code = (
        "import os; os.environ.pop('REDIS_URL', None); os.environ['DEBUG'] = '1';"
        "from tremplin.config import settings as s; print(s.CACHES['default']['BACKEND'])"
    )
    backend = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert backend == "tremplin.ops.cache.DatabaseCache"


def test_redis_cache_reuses_one_client_and_still_shares_its_values():
    """Django's Redis cache built a redis.Redis (and its callback table) for every call."""
    import redis

    location = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(location).ping()
    except redis.ConnectionError:
        pytest.skip("No Redis on 127.0.0.1:6379.")
    first, second = RedisCache(location, {}), RedisCache(location, {})  # two workers
    first.clear()
    assert first._cache.get_client() is first._cache.get_client(write=True)
    assert first.add("totp-used", "y", 90)
    assert not second.add("totp-used", "y", 90)
    first.set("hits", 1, 60)
    assert second.incr("hits") == 2 and first.get("hits") == 2
    first.clear()


@pytest.mark.django_db(transaction=True)
def test_database_cache_add_and_incr_hold_across_connections():
    """Two cache clients on two connections (two workers): one TOTP mark wins, no hit is lost."""
    first, second = DatabaseCache("tremplin_cache", {}), DatabaseCache("tremplin_cache", {})
    assert first.add("allauth.mfa.totp.used?user=1&code=123456", "y", 90)
    assert not second.add("allauth.mfa.totp.used?user=1&code=123456", "y", 90)
    first.clear()


@pytest.mark.postgres_only  # SQLite's in-memory test database locks tables across threads
@pytest.mark.django_db(transaction=True)
def test_database_cache_incr_loses_no_hit_across_connections():
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrency needs PostgreSQL.")
    first, second = DatabaseCache("tremplin_cache", {}), DatabaseCache("tremplin_cache", {})
    first.add("hits", 0, 600)
    errors: list[BaseException] = []

    def hit() -> None:
        try:
            for _ in range(10):
                DatabaseCache("tremplin_cache", {}).incr("hits")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and second.get("hits") == 40
    first.clear()


# ---- uploads ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,content",
    [
        ("evil.html", b"<html><script>alert(1)</script></html>"),
        ("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("evil.mp4", b"<!doctype html><script>alert(1)</script>"),
    ],
)
def test_recording_upload_refuses_pages_whatever_their_name(
    client, agency, facilitator, name, content
):
    session = SessionFactory(element__program__agency=agency)
    client.force_login(facilitator)
    response = _recording_post(client, agency, session, SimpleUploadedFile(name, content))
    assert response.status_code in (200, 400)
    assert not Recording.objects.exists()


@pytest.mark.django_db
def test_recording_is_served_with_a_safe_type_nosniff_and_a_sandbox(
    client, agency, facilitator, client_user
):
    from tremplin.programs import services

    session = SessionFactory(element__program__agency=agency)
    client.force_login(facilitator)
    response = _recording_post(client, agency, session, SimpleUploadedFile("talk.mp4", MP4))
    assert response.status_code == 302
    recording = Recording.objects.get()
    assert recording.file.name.endswith(".mp4") and "talk" not in recording.file.name
    me = Client.objects.get(user=client_user)
    services.registration_create(session=session, client=me, mode="online", actor=None)
    client.force_login(client_user)
    target = reverse(
        "programs:recording_file",
        kwargs={"agency_slug": agency.slug, "recording_id": recording.pk},
    )
    served = client.get(target)
    assert served["Content-Type"] == "video/mp4"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert "no-store" in served["Cache-Control"]
    # A file stored before the checks (an .html under a random name) is only ever a download.
    Recording.objects.filter(pk=recording.pk).update(file=f"recordings/{agency.pk}/old.html")
    recording.refresh_from_db()
    recording.file.storage.save(recording.file.name, io.BytesIO(b"<script>alert(1)</script>"))
    served = client.get(target)
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_media_files_are_not_served_from_media_urls(client):
    """With DEBUG (as in the tests), /media/ used to be routed to a file view without login."""
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/media/recordings/1/anything.mp4")
    assert client.get("/media/recordings/1/anything.mp4").status_code == 404


# ---- MFA on every request ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_client_granted_a_staff_role_must_set_up_totp_on_the_next_request(
    client, agency, client_user
):
    client.force_login(client_user)
    me = reverse("landing")
    assert client.get(me).status_code in (200, 302)
    Membership.objects.create(user=client_user, agency=agency, role=Role.COUNSELLOR)
    staff_page = reverse("clients:list", kwargs={"agency_slug": agency.slug})
    response = client.get(staff_page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


# ---- admin ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_agency_admin_cannot_look_up_or_link_people_of_other_agencies(
    client, agency, other_agency, agency_admin
):
    stranger = member(agency=other_agency, role=Role.CLIENT, first_name="Zed", last_name="Stranger")
    client.force_login(agency_admin)
    add = reverse("admin:agencies_membership_add")
    page = client.get(add)
    assert page.status_code == 200
    assert "Stranger" not in page.text and 'name="user"' in page.text
    response = client.post(add, {"user": stranger.pk, "agency": agency.pk, "role": Role.CLIENT})
    assert response.status_code == 200  # the form comes back with an error
    assert "Stranger" not in response.text
    assert not Membership.objects.filter(user=stranger, agency=agency).exists()


@pytest.mark.django_db
def test_admin_reads_and_writes_are_audited(client, agency, agency_admin, client_user):
    record = Client.objects.get(user=client_user)
    client.force_login(agency_admin)
    change = reverse("admin:clients_client_change", args=[record.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "no-store" in page["Cache-Control"]
    assert AuditEvent.objects.filter(
        agency=agency, actor=agency_admin, action="admin.view", object_id=str(record.pk)
    ).exists()
    assert client.get(reverse("admin:clients_client_changelist")).status_code == 200
    assert AuditEvent.objects.filter(agency=agency, action="admin.list").exists()
    location = LocationFactory(agency=agency)
    client.post(reverse("admin:agencies_location_delete", args=[location.pk]), {"post": "yes"})
    assert AuditEvent.objects.filter(
        agency=agency, action="admin.delete", object_id=str(location.pk)
    ).exists()


@pytest.mark.django_db
def test_an_operators_read_of_a_persons_account_is_audited(client, agency, client_user):
    from tremplin.accounts.models import User

    operator = User.objects.create_superuser(email="operator@example.org", password="x" * 12)
    from allauth.mfa.totp.internal.auth import TOTP

    from tremplin.agencies.tests.factories import TEST_TOTP_SECRET

    TOTP.activate(operator, TEST_TOTP_SECRET)
    client.force_login(operator)
    page = client.get(reverse("admin:accounts_user_change", args=[client_user.pk]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(
        agency=agency, actor=operator, action="admin.view", object_id=str(client_user.pk)
    ).exists()


# ---- SMS replays ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_replayed_sms_webhook_is_not_executed_again(client, agency, settings):
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    params = {"From": "+14035551234", "To": "+15877770000", "Body": "hello", "MessageSid": "SMa1"}
    assert post_sms(client, agency, params).status_code == 200
    received = ConversationMessage.objects.filter(sender="client").count()
    assert received == 1
    replay = post_sms(client, agency, params)
    assert replay.status_code == 200 and b"<Message>" not in replay.content
    assert ConversationMessage.objects.filter(sender="client").count() == received


@pytest.mark.django_db
def test_nul_bytes_in_an_sms_are_stripped_not_a_500(client, agency, settings):
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    params = {"From": "+14035551234", "To": "+1587", "Body": "hel\x00lo", "MessageSid": "SMnul"}
    assert post_sms(client, agency, params).status_code == 200
    assert ConversationMessage.objects.filter(sender="client").get().text == "hello"


@pytest.mark.django_db
def test_nul_bytes_in_form_fields_are_stripped_at_the_edge(client, agency, counsellor):
    client.force_login(counsellor)
    response = client.post(
        reverse("clients:new", kwargs={"agency_slug": agency.slug}),
        {
            "first_name": "Ana\x00",
            "last_name": "Nul\x07l",
            "email": "",
            "phone": "",
            "preferred_language": "en",
        },
    )
    assert response.status_code < 500
    assert Client.objects.filter(first_name="Ana", last_name="Null").exists()


# ---- production posture -----------------------------------------------------------------------


def test_production_refuses_to_start_with_file_backends_unless_allowed(settings):
    from tremplin.ops.startup import outbound_backend_problems

    settings.DEBUG = False
    settings.MESSAGING_SMS_BACKEND = "file"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert any("MESSAGING_SMS_BACKEND" in p for p in outbound_backend_problems())
    settings.TREMPLIN_ALLOW_FILE_BACKENDS = True
    assert outbound_backend_problems() == []


def test_the_worker_refuses_to_start_with_file_backends_in_production(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    settings.TREMPLIN_ALLOW_FILE_BACKENDS = False
    settings.MESSAGING_SMS_BACKEND = "file"
    with pytest.raises(CommandError, match="MESSAGING_SMS_BACKEND"):
        call_command("worker")


@pytest.mark.django_db
def test_serve_refuses_to_start_without_collected_static_files(settings, tmp_path):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    settings.TREMPLIN_ALLOW_FILE_BACKENDS = True
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with pytest.raises(CommandError, match="collectstatic"):
        call_command("serve", "--port", "8099")


@pytest.mark.django_db
def test_healthz_is_503_when_static_files_are_not_collected(client, settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["static"] == "not collected"


# ---- 500s -------------------------------------------------------------------------------------


def _session_post(element, location, starts_at: str, ends_at: str) -> dict[str, object]:
    return {
        "element": element.pk,
        "title_0": "Far away",
        "title_1": "",
        "topic": "",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "delivery_mode": "in_person",
        "location": location.pk,
        "in_person_capacity": "8",
        "online_capacity": "0",
        "join_url": "",
        "language": "en",
        "occurrences": "1",
        "every_days": "7",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "time_zone,starts,ends",
    [
        ("America/Toronto", "9999-12-31T22:00", "9999-12-31T23:30"),
        ("Etc/GMT+12", "0001-01-01T00:00", "0001-01-01T01:00"),
    ],
)
def test_session_times_out_of_sane_years_are_refused_not_a_500(
    client, agency, agency_admin, time_zone, starts, ends
):
    agency_admin.time_zone = time_zone
    agency_admin.save()
    element = ServiceElementFactory(program__agency=agency)
    client.force_login(agency_admin)
    response = client.post(
        reverse("programs:session_create", kwargs={"agency_slug": agency.slug}),
        _session_post(element, LocationFactory(agency=agency), starts, ends),
    )
    assert response.status_code < 500
    assert "between the years" in response.text
    assert not Session.objects.filter(agency=agency).exists()


def test_a_nested_json_bomb_is_refused_not_a_recursion_error():
    from tremplin.learning.exchange import parse_course_file

    with pytest.raises(ValidationError):
        parse_course_file(b"[" * 50_000)


# ---- races ------------------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_identical_concurrent_client_creations_give_one_record(agency, counsellor):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and real concurrency need PostgreSQL.")
    from django.test import Client as Browser

    url = reverse("clients:new", kwargs={"agency_slug": agency.slug})
    form = {
        "first_name": "Rae",
        "last_name": "Race",
        "email": "rae.race@example.org",
        "phone": "",
        "preferred_language": "en",
    }
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def submit() -> None:
        browser = Browser()
        browser.force_login(counsellor)
        barrier.wait()
        statuses.append(browser.post(url, form).status_code)
        connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 400, 400, 400]
    assert Client.objects.filter(email="rae.race@example.org").count() == 1


# ---- logs -------------------------------------------------------------------------------------


CANARY = "Zyxwvut Canary"


def test_search_terms_and_personal_data_never_reach_the_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    for name in ("django.server", "gunicorn.access", "tremplin"):
        log = logging.getLogger(f"canary.{name}")
        log.addHandler(handler)
        log.propagate = False
        log.warning(
            '"%s" %s', "GET /en/a/pnec/clients/?q=Zyxwvut+Canary&phone=4035551234 HTTP/1.1", 200
        )
        log.info("Looked up <%s> at %s", "zyx.canary@example.org", "+1 403 555 1234")
        try:
            raise ValueError("duplicate key (email)=(zyx.canary@example.org) /x/?q=Canary")
        except ValueError:
            log.exception("failed")
        log.removeHandler(handler)
    output = stream.getvalue()
    assert "GET /en/a/pnec/clients/" in output
    for secret in ("Canary", "canary@example.org", "4035551234", "555 1234"):
        assert secret not in output, output


def test_the_settings_put_the_filter_on_every_handler():
    from django.conf import settings

    for name in ("console",):
        assert "redact" in settings.LOGGING["handlers"][name]["filters"]
    from tremplin.ops.management.commands.serve import ACCESS_LOG_FORMAT

    assert "%(U)s" in ACCESS_LOG_FORMAT and "%(r)s" not in ACCESS_LOG_FORMAT
    assert "%(q)s" not in ACCESS_LOG_FORMAT


@pytest.mark.django_db
def test_request_logs_of_django_carry_no_query_string(client, caplog):
    """django.request logs 4xx with the path; the handler filter strips any query string."""
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s', ("GET /x?q=" + CANARY, 200), None
    )
    RedactPersonalData().filter(record)
    assert CANARY not in record.getMessage()
    assert connection.vendor in ("sqlite", "postgresql")


def test_api_date_fields_are_bounded_too():
    from rest_framework import serializers

    class When(serializers.Serializer):
        starts_at = serializers.DateTimeField()
        born_on = serializers.DateField()

    far = When(data={"starts_at": "9999-12-31T23:00:00Z", "born_on": "0001-01-01"})
    assert not far.is_valid() and set(far.errors) == {"starts_at", "born_on"}
    assert When(data={"starts_at": "2027-01-04T10:00:00Z", "born_on": "1990-05-01"}).is_valid()
