"""Agency isolation, checked on every URL pattern of the project.

The demo network is loaded, then the staff and clients of one agency ("pnec") request every
page of another ("harbour") — its private pages, and every one of its objects addressed by id,
under both agencies' prefixes. New apps are covered without editing this file: URL kwargs named
`<model_name>_id` are filled with an object of that model owned by the other agency, so each
app's demo data must contain at least one such object there.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django_scopes import scopes_disabled

from tremplin.agencies.models import Agency, Membership
from tremplin.agencies.roles import Role
from tremplin.core.demodata import DemoNetwork, run_demo_loaders

HOME, OTHER = "pnec", "harbour"


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]
    access: str  # "public" or the permission the view declares


def tremplin_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, namespace: str, inherited: tuple[str, ...]) -> None:
        for entry in patterns:
            kwargs = inherited + tuple(entry.pattern.converters)
            if isinstance(entry, URLResolver):
                space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, space, kwargs)
            elif isinstance(entry, URLPattern):
                callback = entry.callback
                if not callback.__module__.startswith("tremplin."):
                    continue
                if "agency_slug" not in kwargs:
                    continue
                assert entry.name, (
                    f"{callback.__module__}.{callback.__name__}: agency URLs need a name"
                )
                access = getattr(callback, "tremplin_access", None)
                assert access, (
                    f"{callback.__module__}.{callback.__name__} must declare its access with "
                    "@agency_view(perm=…) or @agency_view(public=True)"
                )
                found.append(Route(f"{namespace}{entry.name}", kwargs, access))

    walk(get_resolver().url_patterns, "", ())
    return found


def owned_object_id(kwarg: str, agency: Agency) -> int | str:
    """An id of the model that `<model_name>_id` names, owned by `agency`."""
    if not kwarg.endswith("_id"):
        return "not-a-real-value"
    model_name = kwarg.removesuffix("_id")
    candidates = [
        m
        for m in apps.get_models()
        if m._meta.model_name == model_name.replace("_", "")
        and m.__module__.startswith("tremplin.")
    ]
    assert candidates, f"URL kwarg {kwarg!r} names no Tremplin model"
    model: type[models.Model] = candidates[0]
    field_names = {f.name for f in model._meta.get_fields()}
    assert "agency" in field_names, (
        f"{model.__name__} is addressed by id in agency URLs but has no agency field"
    )
    instance = (
        model._default_manager.with_scopes_disabled().filter(agency=agency).order_by("pk").first()
    )  # type: ignore[attr-defined]
    assert instance is not None, f"the demo data has no {model.__name__} of agency {agency.slug}"
    return instance.pk


def people_of(agency: Agency) -> dict[str, object]:
    people = {}
    for membership in Membership.objects.filter(agency=agency, is_active=True).select_related(
        "user"
    ):
        people.setdefault(membership.role, membership.user)
    return people


@pytest.mark.django_db
def test_no_agency_sees_another_agencys_private_pages_or_objects():
    with scopes_disabled():
        run_demo_loaders(DemoNetwork(network=None))  # type: ignore[arg-type]
    home, other = Agency.objects.get(slug=HOME), Agency.objects.get(slug=OTHER)
    people = people_of(home)
    assert {Role.CLIENT, Role.FACILITATOR, Role.COUNSELLOR, Role.AGENCY_ADMIN} <= set(people)
    routes = tremplin_routes()
    assert {"agencies:home", "agencies:staff_home"} <= {route.name for route in routes}

    leaks: list[str] = []
    for role, user in people.items():
        browser = Client(raise_request_exception=False)
        browser.force_login(user)
        for route in routes:
            ids = {k: owned_object_id(k, other) for k in route.kwargs if k != "agency_slug"}
            for prefix in (HOME, OTHER):
                with translation.override("en"):
                    url = reverse(route.name, kwargs={"agency_slug": prefix, **ids})
                addresses_other_object = bool(ids) and any(k.endswith("_id") for k in ids)
                must_hide = (route.access != "public" and prefix == OTHER) or (
                    addresses_other_object and prefix == HOME
                )
                for method in ("get", "post"):
                    response = getattr(browser, method)(url)
                    if response.status_code >= 500:
                        leaks.append(f"{role} {method.upper()} {url} → {response.status_code}")
                    elif must_hide and response.status_code != 404:
                        leaks.append(
                            f"{role} {method.upper()} {url} → {response.status_code}, expected 404"
                        )
    assert not leaks, "\n".join(leaks)
    unaudited = personal_reads_not_audited(home, people, routes)
    assert not unaudited, "\n".join(unaudited)


# Pages about one client (a <client_id> in the URL) under these permissions are personal data.
PERSONAL_PERMS = {"clients_view", "clients_manage", "case_notes"}


def personal_reads_not_audited(home: Agency, people: dict[str, object], routes: list[Route]):
    """Staff of the right agency open every personal-data page (those declared with
    @audited_read, and every client page): each must write an audit event naming the reader."""
    from django.urls import resolve

    from tremplin.agencies.policy import permissions_for_roles
    from tremplin.audit.models import AuditEvent

    problems: list[str] = []
    for route in routes:
        if route.access == "public":
            continue
        try:
            ids = {k: owned_object_id(k, home) for k in route.kwargs if k != "agency_slug"}
        except AssertionError:
            continue  # e.g. network courses: no object of this model belongs to the agency
        with translation.override("en"):
            url = reverse(route.name, kwargs={"agency_slug": HOME, **ids})
        declared = getattr(resolve(url).func, "tremplin_audited_read", None)
        about_a_client = "client_id" in ids and route.access in PERSONAL_PERMS
        if not declared and not about_a_client:
            continue
        role = next(
            (r for r in people if route.access in permissions_for_roles([r]) and r != Role.CLIENT),
            None,
        )
        if role is None:
            continue
        browser = Client(raise_request_exception=False)
        browser.force_login(people[role])
        with scopes_disabled():
            before = AuditEvent.objects.filter(actor=people[role]).count()
        response = browser.get(url)
        if response.status_code != 200:
            if declared:
                problems.append(f"{role} GET {url} → {response.status_code}, expected 200")
            continue
        with scopes_disabled():
            new = AuditEvent.objects.filter(actor=people[role], agency=home).order_by("-id")[
                : max(0, AuditEvent.objects.filter(actor=people[role]).count() - before)
            ]
            actions = {event.action for event in new}
            clients = {event.client_id for event in new}
        if declared and declared not in actions:
            problems.append(f"{role} GET {url}: no audit event {declared!r} (got {actions})")
        elif about_a_client and ids["client_id"] not in clients:
            problems.append(f"{role} GET {url}: no audit event naming client {ids['client_id']}")
    return problems


@pytest.mark.django_db
def test_every_agency_view_declares_its_access():
    assert all(route.access for route in tremplin_routes())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/en/a/no-such-agency/",
        "/en/a/no-such-agency/staff/",
        "/fr/a/%E2%9C%93/",
        "/en/a/pnec/staff/999999999999999999999/",
    ],
)
def test_unknown_agency_and_malformed_paths_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_agency_query_outside_an_agency_page_fails_loudly(client, agency):
    """A page without an agency in its URL runs in an empty scope: agency data raises."""
    from django_scopes import scope
    from django_scopes.exceptions import ScopeError

    from tremplin.clients.models import Client as ClientRecord

    with scope(), pytest.raises(ScopeError):
        list(ClientRecord.objects.all())
