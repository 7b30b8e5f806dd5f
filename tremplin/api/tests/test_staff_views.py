import pytest
from django.urls import reverse

from tremplin.api.models import ApiToken, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tremplin.api.services import webhook_endpoint_create
from tremplin.api.tests.factories import Api, make_token
from tremplin.api.webhooks import webhook_emit
from tremplin.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def url(name, agency, **kwargs):
    return reverse(f"api_staff:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


def test_an_administrator_creates_a_token_shown_once_then_revokes_it(client, agency, agency_admin):
    client.force_login(agency_admin)
    page = client.post(
        url("tokens", agency),
        {
            "name": "Funder dashboard",
            "scopes": ["programs:read", "clients:read"],
            "expires_in": "30",
        },
    )
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret.startswith("tpl_") and secret in page.content.decode()
    token = ApiToken.objects.get(name="Funder dashboard")
    assert token.created_by == agency_admin and token.scopes == ["clients:read", "programs:read"]
    assert Api(secret, agency.slug).get("programs/").status_code == 200
    listing = client.get(url("tokens", agency)).content.decode()
    assert "Funder dashboard" in listing and secret not in listing and token.prefix in listing
    client.post(url("token_revoke", agency, api_token_id=token.pk))
    assert Api(secret, agency.slug).get("programs/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=agency_admin).exists()


def test_bad_token_input_is_explained_and_writes_nothing(client, agency, agency_admin):
    client.force_login(agency_admin)
    page = client.post(url("tokens", agency), {"name": "", "scopes": ["nope"], "expires_in": "9"})
    assert page.status_code == 400 and not ApiToken.objects.exists()
    assert page.context["form"].errors


def test_token_and_webhook_pages_are_for_agency_administrators_only(client, agency, counsellor):
    token, _secret = make_token(agency=agency)
    client.force_login(counsellor)
    for name, kwargs in (
        ("tokens", {}),
        ("webhooks", {}),
        ("token_revoke", {"api_token_id": token.pk}),
    ):
        assert client.get(url(name, agency, **kwargs)).status_code == 404
    assert client.post(url("token_revoke", agency, api_token_id=token.pk)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_webhook_create_delivery_log_and_toggle(client, agency, agency_admin):
    client.force_login(agency_admin)
    response = client.post(
        url("webhooks", agency),
        {"url": "https://hooks.example.org/in", "events": ["registration.created"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    webhook_emit(
        agency=agency, event_type="registration.created", object_type="registration", object_id=41
    )
    page = client.get(url("webhook", agency, webhook_endpoint_id=endpoint.pk)).content.decode()
    assert "registration.created" in page and endpoint.secret in page
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    client.post(url("webhook_toggle", agency, webhook_endpoint_id=endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    refused = client.post(url("webhooks", agency), {"url": "ftp://x", "events": []})
    assert refused.status_code == 400 and WebhookEndpoint.objects.count() == 1


def test_webhook_list_in_french(client, agency, agency_admin):
    webhook_endpoint_create(
        agency=agency, actor=None, url="https://h.example.org/", events=["course.completed"]
    )
    client.force_login(agency_admin)
    page = client.get(
        reverse("api_staff:webhooks", kwargs={"agency_slug": agency.slug}).replace("/en/", "/fr/")
    )
    assert page.status_code == 200
    assert "Ajouter un webhook" in page.content.decode()
