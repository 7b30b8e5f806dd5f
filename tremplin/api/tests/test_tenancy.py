"""The API's tenancy walk: every API route, a token of agency A, objects of agency B.

Like tremplin/agencies/tests/test_tenancy.py for pages: routes are found in the URLconf, so
a new API route is covered without editing this file (its `<name>_id` kwarg must be one that
`seed()` fills).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tremplin.agencies.policy import Perm
from tremplin.api.models import NETWORK_SCOPE, NetworkAuditEvent, Scope
from tremplin.api.serializers import PERSONAL_FIELDS
from tremplin.api.tests.factories import Api, make_token, seed
from tremplin.audit.models import AuditEvent
from tremplin.learning.models import Enrolment
from tremplin.programs.models import Registration

pytestmark = pytest.mark.django_db


def api_routes(*, network: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """(route with {kwarg} holes, kwargs) of every agency API view (or every network one)."""
    found = []
    for entry in get_resolver().url_patterns:
        if getattr(entry, "namespace", None) == "api" or str(entry.pattern) == "api/v1/":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                route = str(pattern.pattern)
                kwargs = tuple(pattern.pattern.converters)
                if network and route.startswith("network/"):
                    found.append(("/api/v1/" + route, kwargs))
                elif "slug" in kwargs and not network:
                    for name in kwargs:
                        for converter in ("int", "slug", "uuid"):
                            route = route.replace(f"<{converter}:{name}>", "{" + name + "}")
                    found.append(("/api/v1/" + route, kwargs))
    return found


def test_a_token_of_one_agency_gets_404_for_every_object_of_another(agency, other_agency):
    seed(agency)
    theirs = seed(other_agency)
    _token, secret = make_token(agency=agency)
    api = Api(secret)
    routes = api_routes()
    assert len(routes) >= 15
    rows_before = (Registration.objects.count(), Enrolment.objects.count())
    leaks = []
    for route, kwargs in routes:
        ids = {name: theirs[name][0] for name in kwargs if name != "slug"}
        for slug in (agency.slug, other_agency.slug):
            if slug == agency.slug and not ids:
                continue  # a list of one's own agency: allowed
            url = route.format(slug=slug, **ids)
            for method in ("get", "post"):
                response = getattr(api.http, method)(url, content_type="application/json")
                if response.status_code not in (404, 405) or (
                    response.status_code == 405 and slug != agency.slug
                ):
                    leaks.append(f"{method.upper()} {url} → {response.status_code}")
    assert not leaks, "\n".join(leaks)
    assert (Registration.objects.count(), Enrolment.objects.count()) == rows_before


def test_bodies_naming_another_agencys_objects_are_refused(agency, other_agency):
    mine, theirs = seed(agency), seed(other_agency)
    _token, secret = make_token(agency=agency)
    api = Api(secret, agency.slug)
    count = Registration.objects.count()
    for session_id, client_id in (
        (theirs["session_id"][0], mine["client_id"][5]),
        (mine["session_id"][0], theirs["client_id"][5]),
    ):
        response = api.post(
            "registrations/", {"session_id": session_id, "client_id": client_id, "mode": "online"}
        )
        assert response.status_code == 400
    assert Registration.objects.count() == count


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_a_token_without_the_personal_scope_never_sees_a_personal_field(agency):
    mine = seed(agency)
    _token, secret = make_token(agency=agency, scopes=[s for s in Scope.values if s != "personal"])
    api = Api(secret)
    seen = set()
    for route, kwargs in api_routes():
        ids = {name: mine[name][0] for name in kwargs if name != "slug"}
        url = route.format(slug=agency.slug, **ids)
        for query in ("", "?expand=client&expand=session&expand=program"):
            response = api.http.get(url + query)
            if response.status_code == 200:
                seen.add(route)
                leaked = _keys(response.json()) & set(PERSONAL_FIELDS)
                assert not leaked, f"{url}: {leaked}"
                assert "Sam" not in response.content.decode()  # the factories' first name
    assert any("clients/{client_id}" in route for route in seen)
    assert AuditEvent.objects.filter(action="client.view").exists()


def test_agency_and_network_tokens_each_get_404_on_the_others_routes(agency, network):
    """An agency token on every /network/ route, a network token on every agency route."""
    theirs = seed(agency)
    _t, agency_secret = make_token(agency=agency)
    _t, network_secret = make_token(agency=None, network=network, scopes=[NETWORK_SCOPE])
    network_routes = api_routes(network=True)
    assert len(network_routes) >= 3
    leaks = []
    for secret, routes in ((agency_secret, network_routes), (network_secret, api_routes())):
        api = Api(secret)
        for route, kwargs in routes:
            ids = {name: theirs[name][0] for name in kwargs if name != "slug"}
            url = route.format(slug=agency.slug, **ids)
            for method in ("get", "post"):
                status = getattr(api.http, method)(url, content_type="application/json")
                if status.status_code != 404:
                    leaks.append(f"{method.upper()} {url} → {status.status_code}")
    assert not leaks, "\n".join(leaks)
    # A network token reads its network's routes; those requests are in the network's log.
    assert all(Api(network_secret).get(route).status_code == 200 for route, _k in network_routes)
    assert NetworkAuditEvent.objects.filter(action="api.request").count() >= len(network_routes)


def network_pages() -> list[tuple[str, tuple[str, ...]]]:
    """(URL name, kwargs) of every page declared with @network_view, the new ones included."""
    found = []

    def walk(patterns, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                )
            elif getattr(entry.callback, "tremplin_access", None) == str(Perm.NETWORK_AREA):
                found.append((f"{namespace}{entry.name}", tuple(entry.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


def test_network_pages_are_404_to_every_agency_role_and_ask_visitors_to_sign_in(
    client, network, agency, agency_admin, counsellor, facilitator, client_user
):
    token, _s = make_token(agency=None, network=network, scopes=[NETWORK_SCOPE])
    pages = network_pages()
    assert {"network_api:tokens", "network_api:token_revoke"} <= {name for name, _k in pages}
    problems = []
    for person in (agency_admin, counsellor, facilitator, client_user, None):
        if person is None:
            client.logout()
        else:
            client.force_login(person)
        for name, kwargs in pages:
            url = reverse(name, kwargs={k: token.pk for k in kwargs})
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                expected = 302 if person is None else 404
                if status != expected:
                    problems.append(f"{person} {method.upper()} {url} → {status}, not {expected}")
    assert not problems, "\n".join(problems)
    token.refresh_from_db()
    assert token.revoked_at is None
