"""The network's own API tokens: created, listed and revoked by a network administrator on a staff
page like the agency's, and every request through them audited in the network's log."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from tremplin.agencies.tests.factories import network_admin
from tremplin.api.models import NETWORK_SCOPE, ApiToken, NetworkAuditEvent
from tremplin.api.services import token_hash
from tremplin.api.tests.factories import Api, make_token
from tremplin.ops.tests.test_headers import header_problems

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


@pytest.fixture
def admin(network):
    return network_admin(network=network, first_name="Nora", last_name="Network")


def url(name, **kwargs):
    return reverse(f"network_api:{name}", kwargs=kwargs)


def test_a_network_administrator_creates_a_token_shown_once_uses_it_and_revokes_it(
    client, network, agency, admin
):
    client.force_login(admin)
    page = client.post(
        url("tokens"), {"name": "Funder analytics", "scopes": [NETWORK_SCOPE], "expires_in": "90"}
    )
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret.startswith("tpl_") and secret in page.content.decode()
    token = ApiToken.objects.get(name="Funder analytics")
    # Stored hashed, never in clear; belongs to the network, not to an agency.
    assert token.key_hash == token_hash(secret) and secret not in str(token.__dict__)
    assert token.agency is None and token.network == network and token.created_by == admin
    assert token.scopes == [NETWORK_SCOPE] and token.expires_at is not None

    api = Api(secret)
    assert api.get("/api/v1/network/agencies/").status_code == 200
    assert api.get("/api/v1/network/nothing-here/").status_code == 404
    # Every request is audited with the token's name (the route, never the values).
    requests = NetworkAuditEvent.objects.filter(action="api.request", token=token)
    assert requests.count() == 1
    assert requests.get().detail == {
        "token": "Funder analytics",
        "method": "GET",
        "route": "api/v1/network/agencies/",
        "status": 200,
    }
    listing = client.get(url("tokens")).content.decode()
    assert "Funder analytics" in listing and token.prefix in listing and secret not in listing
    assert "GET /api/v1/network/agencies/" in listing  # the recent activity
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "Never" not in listing.split("Funder analytics", 1)[1].split("</tr>", 1)[0]

    client.post(url("token_revoke", api_token_id=token.pk))
    assert api.get("/api/v1/network/agencies/").status_code == 401
    assert NetworkAuditEvent.objects.filter(
        action="api_token.revoke", actor=admin, token=token
    ).exists()
    assert NetworkAuditEvent.objects.filter(action="api_token.create", actor=admin).exists()


def test_bad_input_is_explained_and_agency_scopes_are_refused(client, admin):
    client.force_login(admin)
    for data in (
        {"name": "", "scopes": [NETWORK_SCOPE], "expires_in": "30"},
        {"name": "x", "scopes": ["programs:read"], "expires_in": "30"},
        {"name": "x", "scopes": [NETWORK_SCOPE], "expires_in": "5000"},
    ):
        page = client.post(url("tokens"), data)
        assert page.status_code == 400 and page.context["form"].errors
    assert not ApiToken.objects.exists()


def test_network_token_pages_are_for_network_administrators_only(
    client, network, agency, agency_admin, counsellor, admin
):
    network_token, _s = make_token(agency=None, network=network, scopes=[NETWORK_SCOPE])
    agency_token, _s = make_token(agency=agency)
    for person in (agency_admin, counsellor):
        client.force_login(person)
        assert client.get(url("tokens")).status_code == 404
        revoke = url("token_revoke", api_token_id=network_token.pk)
        assert client.post(revoke).status_code == 404
    client.logout()
    assert client.get(url("tokens")).status_code == 302  # to the sign-in page
    # The network administrator cannot reach an agency's token through the network page,
    # nor the network's token through an agency's page.
    client.force_login(admin)
    assert client.post(url("token_revoke", api_token_id=agency_token.pk)).status_code == 404
    client.force_login(agency_admin)
    agency_revoke = reverse(
        "api_staff:token_revoke",
        kwargs={"agency_slug": agency.slug, "api_token_id": network_token.pk},
    )
    assert client.post(agency_revoke).status_code == 404
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    listing = client.get(reverse("api_staff:tokens", kwargs={"agency_slug": agency.slug}))
    assert network_token.prefix not in listing.content.decode()


def test_network_token_page_in_french_with_strict_headers_and_a_link_from_the_dashboard(
    client, network, admin
):
    make_token(agency=None, network=network, scopes=[NETWORK_SCOPE], name="Tableau du bailleur")
    client.force_login(admin)
    with translation.override("fr"):
        tokens_url = url("tokens")
        dashboard_url = reverse("network:dashboard")
    page = client.get(tokens_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jetons d'API du réseau" in html.replace("&#x27;", "'") and "Tableau du bailleur" in html
    assert not header_problems(tokens_url, page)
    assert tokens_url in client.get(dashboard_url).content.decode()
