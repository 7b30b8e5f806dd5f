import json
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.agencies.models import Membership
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import Client
from tremplin.clients.tests.factories import ClientFactory
from tremplin.privacy.middleware import SEEN_AT, SIGNED_IN_AT
from tremplin.privacy.models import LegalHold, PrivacyRequest, RequestStatus, RetentionRun
from tremplin.privacy.services import retention_set

pytestmark = pytest.mark.django_db


def url(agency, path: str, lang: str = "en") -> str:
    return f"/{lang}/a/{agency.slug}/privacy/{path}"


def test_a_client_downloads_everything_in_their_language(client, agency, client_user):
    record = Client.objects.get(user=client_user)
    record.preferred_language = "fr"
    record.save()
    client.force_login(client_user)
    assert "Download my information" in client.get(url(agency, "me/")).text
    response = client.get(url(agency, "me/file.json"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["language"] == "fr" and data["tables"]["clients.client"]["rows"]
    assert "Quoi" in data["accesses"][0] if data["accesses"] else True
    page = client.get(url(agency, "me/file.html")).content.decode()
    assert "Renseignements détenus sur Cleo Client" in page
    assert client.get(url(agency, "me/file.pdf")).status_code == 404
    assert AuditEvent.objects.filter(action="privacy.access_file", client_id=record.pk).count() == 2


def test_a_client_asks_for_erasure_and_staff_approve(client, agency, client_user, agency_admin):
    client.force_login(client_user)
    assert client.post(url(agency, "me/"), {"reason": ""}).status_code == 200  # refused, nothing
    assert not PrivacyRequest.objects.exists()
    client.post(url(agency, "me/"), {"reason": "Je déménage"})
    request = PrivacyRequest.objects.get()
    assert request.status == RequestStatus.PENDING
    assert request.due_at - request.requested_at == timedelta(days=30)
    client.force_login(agency_admin)
    assert "Cleo Client" in client.get(url(agency, "requests/")).text
    client.post(url(agency, f"requests/{request.pk}/decide/"), {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    stub = Client.objects.get(pk=request.client_id)
    assert (stub.first_name, stub.email, stub.user) == ("—", "", None)
    assert not User.objects.get(pk=client_user.pk).is_active


def test_staff_request_needs_a_second_person(client, agency, counsellor):
    person = ClientFactory(agency=agency)
    client.force_login(counsellor)
    page = url(agency, f"clients/{person.pk}/")
    assert client.get(page).status_code == 200
    assert AuditEvent.objects.filter(action="privacy.client_view", client_id=person.pk).exists()
    client.post(page, {"action": "erase", "erase-reason": "Demande écrite"})
    client.post(page, {"action": "hold", "hold-reason": ""})  # no reason: nothing
    assert not LegalHold.objects.exists()
    request = PrivacyRequest.objects.get()
    from tremplin.agencies.roles import Role
    from tremplin.agencies.tests.factories import member

    officer = member(agency=agency, role=Role.AGENCY_ADMIN)
    request.requested_by = officer
    request.save()
    client.force_login(officer)
    response = client.post(
        url(agency, f"requests/{request.pk}/decide/"), {"decision": "approve"}, follow=True
    )
    assert "Another staff member must approve" in response.text
    assert PrivacyRequest.objects.get().status == RequestStatus.PENDING


def test_retention_preview_hold_and_log(client, agency, agency_admin):
    old = ClientFactory(agency=agency, last_name="Ancien")
    held = ClientFactory(agency=agency, last_name="Garde")
    ClientFactory(agency=agency, last_name="Recent")
    long_ago = timezone.now() - timedelta(days=365 * 4)
    Client.objects.filter(pk__in=[old.pk, held.pk]).update(created_at=long_ago, updated_at=long_ago)
    LegalHold.objects.create(agency=agency, client=held, reason="Litige")
    client.force_login(agency_admin)
    client.post(url(agency, "retention/"), {"action": "set", "inactive_years": "99"})
    assert not AuditEvent.objects.filter(action="privacy.retention_set").exists()
    retention_set(agency=agency, inactive_years=3, actor=agency_admin)
    page = client.get(url(agency, "retention/")).text
    assert "1 record without activity since" in page and "1 record is kept by a legal hold" in page
    client.post(url(agency, "retention/"), {"action": "apply"})
    run = RetentionRun.objects.get()
    assert (run.erased, run.held) == (1, 1)
    assert Client.objects.get(pk=old.pk).last_name == f"#{old.pk}"
    assert Client.objects.get(pk=held.pk).last_name == "Garde"


def test_signup_waits_for_email_and_the_email_is_branded(client, agency, settings):
    settings.TREMPLIN_POSTAL_ADDRESS = "120 9 Ave SE, Calgary AB T2G 0R9"
    client.post(
        "/fr/accounts/signup/",
        {
            "email": "noor@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "first_name": "Noor",
            "last_name": "Haddad",
            "agency": agency.slug,
        },
    )
    user = User.objects.get(email="noor@example.org")
    assert not Membership.objects.filter(user=user).exists()
    assert not Client.objects.filter(user=user).exists()
    message = mail.outbox[0]
    assert str(agency.name) in message.body and "Calgary AB" in message.body
    assert "testserver" not in message.body.split("http")[0]
    assert str(agency.name) in message.from_email and "localhost" not in message.from_email


def test_client_sessions_have_an_idle_and_an_absolute_limit(client, agency, client_user, settings):
    client.force_login(client_user)
    me = f"/en/a/{agency.slug}/clients/me/"
    assert client.get(me).status_code == 200
    session = client.session
    session[SEEN_AT] = int(time.time()) - settings.CLIENT_IDLE_TIMEOUT_SECONDS - 5
    session.save()
    assert client.get(me).status_code == 302  # signed out
    client.force_login(client_user)
    client.get(me)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.CLIENT_SESSION_MAX_SECONDS - 5
    session.save()
    response = client.get(me)
    assert response.status_code == 302 and "login" in response["Location"]
