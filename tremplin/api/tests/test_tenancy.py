"""The API's tenancy walk: every API route, a token of agency A, objects of agency B.

Like tremplin/agencies/tests/test_tenancy.py for pages: routes are found in the URLconf, so
a new API route is covered without editing this file (its `<name>_id` kwarg must be one that
`seed()` fills).
"""

import pytest
from django.urls import URLPattern, get_resolver

from tremplin.api.models import Scope
from tremplin.api.serializers import PERSONAL_FIELDS
from tremplin.api.tests.factories import Api, make_token, seed
from tremplin.audit.models import AuditEvent
from tremplin.learning.models import Enrolment
from tremplin.programs.models import Registration

pytestmark = pytest.mark.django_db


def api_routes() -> list[tuple[str, tuple[str, ...]]]:
    """(route with {kwarg} holes, kwargs) of every agency API view."""
    found = []
    for entry in get_resolver().url_patterns:
        if getattr(entry, "namespace", None) == "api" or str(entry.pattern) == "api/v1/":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                route = str(pattern.pattern)
                kwargs = tuple(pattern.pattern.converters)
                if "slug" in kwargs:
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
