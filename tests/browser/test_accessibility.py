"""Accessibility measured with axe-core (the npm package, in git-ignored node_modules/, installed
by `make axe`) on key pages in English and French, client and staff sides; a keyboard-only
registration; and the door: an online registrant who comes in is counted in the room.

The pages checked (docs/privacy.md repeats this list): see CLIENT_PAGES and STAFF_PAGES.
"""

import json
import os
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from tests.browser.conftest import ROOT, screenshot, sign_in
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, AgencyFactory, member
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs import services
from tremplin.programs.models import AttendanceMode, Registration
from tremplin.programs.tests.factories import SessionFactory

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def _axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("TREMPLIN_REQUIRE_BROWSER"):
            pytest.fail("axe-core is not installed: run `make axe` (npm install axe-core)")
        pytest.skip("axe-core is not installed (make axe)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, source: str) -> list[str]:
    """Serious and critical axe-core violations of the page now shown (WCAG 2.x A and AA)."""
    # Evaluated through the DevTools protocol, so the strict CSP does not block it.
    page.evaluate(source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [
        f"{v['impact']} {v['id']}: {json.dumps(v['nodes'])}"
        for v in result
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def world():
    with scopes_disabled():
        agency = AgencyFactory(slug="prairie")
        person = member(agency=agency, role=Role.CLIENT, first_name="Maria", last_name="Santos")
        me = ClientFactory(agency=agency, user=person, first_name="Maria", last_name="Santos")
        admin = member(
            agency=agency, role=Role.AGENCY_ADMIN, first_name="Amina", last_name="Haddad"
        )
        start = timezone.now() + timedelta(minutes=10)
        today = SessionFactory(
            agency=agency,
            element__program__agency=agency,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        later = SessionFactory(agency=agency, element__program__agency=agency)
        walk_in = ClientFactory(agency=agency, first_name="Ahmad", last_name="Rahimi")
        services.registration_create(session=today, client=walk_in, mode="in_person", actor=None)
        services.registration_create(session=today, client=me, mode="online", actor=None)
    return {
        "agency": agency,
        "person": person,
        "me": me,
        "admin": admin,
        "today": today,
        "later": later,
        "walk_in": walk_in,
    }


def client_pages(w) -> list[str]:
    a = "/a/prairie"
    return [
        f"{a}/",
        f"{a}/programs/",
        f"{a}/programs/sessions/{w['later'].pk}/",
        f"{a}/programs/my/",
        f"{a}/clients/me/",
        f"{a}/clients/me/consents/",
        f"{a}/clients/me/digital/",
        f"{a}/privacy/me/",
        f"{a}/learning/courses/",
        "/me/preferences/",
    ]


def staff_pages(w) -> list[str]:
    a = "/a/prairie"
    c = w["me"].pk
    s = w["today"].pk
    return [
        f"{a}/staff/",
        f"{a}/clients/",
        f"{a}/clients/{c}/",
        f"{a}/clients/{c}/consents/",
        f"{a}/clients/{c}/notes/",
        f"{a}/programs/staff/",
        f"{a}/programs/staff/sessions/{s}/",
        f"{a}/programs/staff/sessions/{s}/door/",
        f"{a}/programs/staff/sessions/{s}/attendance/",
        f"{a}/staff/audit/",
        f"{a}/privacy/clients/{c}/",
        f"{a}/privacy/requests/",
        f"{a}/privacy/retention/",
    ]


def test_key_pages_have_no_serious_or_critical_axe_violations(page, world):
    source = _axe_source()
    problems: list[str] = []
    checked = 0

    def check(paths: list[str]) -> None:
        nonlocal checked
        for language in ("en", "fr"):
            for path in paths:
                page.goto(f"/{language}{path}")
                checked += 1
                problems.extend(f"/{language}{path} {v}" for v in axe_violations(page, source))

    for path in ("/en/accounts/login/", "/fr/accounts/signup/"):
        page.goto(path)
        checked += 1
        problems.extend(f"{path} {v}" for v in axe_violations(page, source))
    sign_in(page, email=world["person"].email, password=TEST_PASSWORD)
    check(client_pages(world))
    page.context.clear_cookies()
    sign_in(page, email=world["admin"].email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    check(staff_pages(world))
    assert checked >= 40
    assert not problems, "\n".join(problems)


def test_registration_with_the_keyboard_only(page, world):
    sign_in(page, email=world["person"].email, password=TEST_PASSWORD)
    page.goto(f"/fr/a/prairie/programs/sessions/{world['later'].pk}/")

    def tab_to(selector: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # Tab reaches the group of radio buttons; the arrow keys choose within it.
    tab_to("input[type=radio]")
    for _ in range(3):
        if page.evaluate("document.activeElement.value") == "online":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.value") == "online"
    tab_to("form button[type=submit]:not([formaction])")
    page.keyboard.press("Enter")
    page.get_by_text("Vous avez une place (En ligne).").wait_for()
    with scopes_disabled():
        registration = Registration.objects.get(session=world["later"], client=world["me"])
    assert registration.mode == AttendanceMode.ONLINE


def test_door_counts_an_online_registrant_in_the_room(page, world):
    sign_in(page, email=world["admin"].email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.goto(f"/fr/a/prairie/programs/staff/sessions/{world['today'].pk}/door/")
    page.get_by_text("Arrivées enregistrées : 0 sur 1 personne").wait_for()
    page.get_by_role("button", name="Enregistrer l'arrivée : Santos, Maria").click()
    page.get_by_text("Arrivées enregistrées : 1 sur 2 personnes").wait_for()
    with scopes_disabled():
        row = Registration.objects.get(session=world["today"], client=world["me"]).pk
    assert "✓" in page.locator(f"#r{row}").inner_text()
    screenshot(page, "programs-door-online-registrant")
    page.get_by_role("link", name="Feuille de présence").click()
    in_room = page.locator("section, table").filter(has_text="Maria Santos").first
    assert "inscription : En ligne" in in_room.inner_text()
    with scopes_disabled():
        registration = Registration.objects.get(session=world["today"], client=world["me"])
    assert (registration.mode, registration.attended_mode) == ("online", "in_person")
