"""The anonymous page cache: served from the cache until what the page shows changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from i18nfield.strings import LazyI18nString

from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs import services
from tremplin.programs.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def session(agency):
    return SessionFactory(agency=agency, element__program__agency=agency, online_capacity=10)


def catalogue(client, agency, language="en"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programs:catalogue", kwargs={"agency_slug": agency.slug}))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_anonymous_visit_is_served_from_the_cache(client, agency, session):
    first, first_queries = catalogue(client, agency)
    second, second_queries = catalogue(client, agency)
    assert second == first
    assert second_queries < first_queries
    assert second_queries <= 2  # the agency, nothing of the page


def test_seats_and_titles_are_fresh_once_a_change_is_committed(
    client, agency, session, django_capture_on_commit_callbacks
):
    page, _ = catalogue(client, agency)
    assert "10 seats left" in page
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.registration_create(
            session=session, client=ClientFactory(agency=agency), mode="online", actor=None
        )
    page, _ = catalogue(client, agency)
    assert "10 seats left" in page  # not committed yet: the cached page still holds
    for callback in pending:
        callback()
    page, _ = catalogue(client, agency)
    assert "9 seats left" in page
    with django_capture_on_commit_callbacks(execute=True):
        session.title = LazyI18nString({"en": "Interview practice", "fr": "Pratique d'entrevue"})
        session.save()
    page, _ = catalogue(client, agency)
    assert "Interview practice" in page


def test_each_language_and_query_has_its_own_page(client, agency, session):
    english, _ = catalogue(client, agency)
    response = client.get(f"/fr/a/{agency.slug}/programs/")
    assert "Atelier de rédaction de CV" in response.content.decode()
    assert "Resume writing workshop" in english
    filtered = client.get(
        reverse("programs:catalogue", kwargs={"agency_slug": agency.slug}), {"mode": "in_person"}
    )
    assert filtered.content.decode() != english


def test_signed_in_visitors_are_never_served_a_cached_page(client, agency, session, client_user):
    anonymous, _ = catalogue(client, agency)
    client.force_login(client_user)
    signed_in, _ = catalogue(client, agency)
    assert "Sign out" in signed_in and "Sign out" not in anonymous


def test_pages_are_compressed_for_browsers_that_accept_it(client, agency, session):
    path = reverse("programs:catalogue", kwargs={"agency_slug": agency.slug})
    plain = client.get(path)
    compressed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert len(compressed.content) < len(plain.content) / 2
    assert "Accept-Encoding" in compressed["Vary"]
