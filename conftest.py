"""Fixtures shared by every app's tests."""

import os

import pytest
from django.conf import settings
from django.utils import translation
from django_scopes import scopes_disabled

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import AgencyFactory, NetworkFactory, member
from tremplin.clients.tests.factories import ClientFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls in the same
# thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _tests_run_unscoped():
    """Tests set up and inspect data across agencies; requests still enter their own scope."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: rows get the same ids again after each rollback, so
    a page or a counter cached by an earlier test would otherwise be taken for this test's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in English: a request made through the test client leaves its page's
    language active in the thread, which would change what a later test's reverse() returns."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def network(db):
    return NetworkFactory()


@pytest.fixture
def agency(network):
    return AgencyFactory(network=network, slug="alpha")


@pytest.fixture
def other_agency(network):
    return AgencyFactory(network=network, slug="beta")


@pytest.fixture
def counsellor(agency):
    return member(agency=agency, role=Role.COUNSELLOR, first_name="Chris", last_name="Counsellor")


@pytest.fixture
def facilitator(agency):
    return member(agency=agency, role=Role.FACILITATOR, first_name="Fran", last_name="Facilitator")


@pytest.fixture
def agency_admin(agency):
    return member(agency=agency, role=Role.AGENCY_ADMIN, first_name="Ada", last_name="Admin")


@pytest.fixture
def client_user(agency):
    """A signed-up client of `agency`: a login with the client role and a client record."""
    user = member(agency=agency, role=Role.CLIENT, first_name="Cleo", last_name="Client")
    ClientFactory(agency=agency, user=user, first_name="Cleo", last_name="Client", email=user.email)
    return user
