"""Security headers on every page, walked from the URL patterns like the tenancy test.

The demo network is loaded; an agency administrator, a client and a visitor of one agency
GET every Tremplin page they can address (agency pages with the agency's own objects, and the
pages outside agencies). Every answer rendered by Django must carry the strict CSP,
Permissions-Policy and `Cache-Control: no-store`, and no HTML page may hold an inline script,
an inline style attribute or an inline event handler (CSP would block them).
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django_scopes import scopes_disabled

from tremplin.agencies.models import Agency
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.test_tenancy import HOME, owned_object_id, people_of
from tremplin.core.demodata import DemoNetwork, run_demo_loaders

# JSON data blocks (type="application/ld+json") are never executed: CSP does not concern them.
INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE
)
INLINE_STYLE = re.compile(rb"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(rb"<[a-z][^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(rb"<style[\s>]", re.IGNORECASE)


def all_routes() -> list[tuple[str, tuple[str, ...]]]:
    found: list[tuple[str, tuple[str, ...]]] = []

    def walk(patterns, namespace: str, inherited: tuple[str, ...]) -> None:
        for entry in patterns:
            kwargs = inherited + tuple(entry.pattern.converters)
            if isinstance(entry, URLResolver):
                space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, space, kwargs)
            elif isinstance(entry, URLPattern) and entry.name:
                if entry.callback.__module__.startswith("tremplin."):
                    found.append((f"{namespace}{entry.name}", kwargs))

    walk(get_resolver().url_patterns, "", ())
    return found


def header_problems(url: str, response) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    if "sandbox" not in csp and (
        "script-src 'self'" not in csp or "unsafe" in csp or "style-src 'self'" not in csp
    ):
        problems.append(f"{url}: CSP is {csp!r}")
    if "camera=()" not in response.headers.get("Permissions-Policy", ""):
        problems.append(f"{url}: no Permissions-Policy")
    if "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"{url}: Cache-Control is {response.headers.get('Cache-Control')!r}")
    if response.headers.get("Content-Type", "").startswith("text/html") and not getattr(
        response, "streaming", False
    ):
        html = response.content
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("style attribute", INLINE_STYLE),
            ("<style> block", STYLE_BLOCK),
            ("inline event handler", INLINE_HANDLER),
        ):
            match = pattern.search(html)
            if match:
                problems.append(f"{url}: {name}: {match.group(0)[:80]!r}")
    return problems


@pytest.mark.django_db
def test_every_page_has_csp_permissions_policy_and_no_store():
    with scopes_disabled():
        run_demo_loaders(DemoNetwork(network=None))  # type: ignore[arg-type]
    home = Agency.objects.get(slug=HOME)
    people = people_of(home)
    routes = all_routes()
    problems: list[str] = []
    checked = 0
    for role in (Role.AGENCY_ADMIN, Role.CLIENT, None):
        browser = Client(raise_request_exception=False)
        if role is not None:
            browser.force_login(people[role])
        for name, kwargs in routes:
            values: dict[str, object] = {}
            try:
                for kwarg in kwargs:
                    if kwarg == "agency_slug":
                        values[kwarg] = HOME
                    elif kwarg.endswith("_id"):
                        values[kwarg] = owned_object_id(kwarg, home)
                    else:
                        raise LookupError(kwarg)
            except (AssertionError, LookupError):
                continue  # a kwarg the demo data cannot fill (a slug, a token…)
            with translation.override("en"):
                url = reverse(name, kwargs=values)
            response = browser.get(url)
            if response.status_code >= 500:
                problems.append(f"{role} GET {url} → {response.status_code}")
                continue
            checked += 1
            problems.extend(header_problems(url, response))
    for url in ("/healthz", "/admin/", "/en/accounts/login/"):
        problems.extend(header_problems(url, Client().get(url)))
    assert checked > 100
    assert not problems, "\n".join(sorted(set(problems)))
