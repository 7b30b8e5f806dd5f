"""Journeys of the foundation: sign up as a client, sign in as staff with TOTP, switch language."""

import re

from django.core import mail

from tests.browser.conftest import screenshot, sign_in
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, AgencyFactory, member
from tremplin.clients.models import Client


def test_client_signs_up_verifies_email_and_reaches_their_space(page):
    agency = AgencyFactory(slug="prairie")
    page.goto(f"/en/a/{agency.slug}/")
    page.get_by_role("link", name="Create an account").first.click()
    assert page.locator("select[name=agency]").input_value() == agency.slug
    page.fill("input[name=email]", "amal.h@example.org")
    page.fill("input[name=first_name]", "Amal")
    page.fill("input[name=last_name]", "Hussein")
    page.fill("input[name=password1]", "a-long-enough-passphrase")
    page.fill("input[name=password2]", "a-long-enough-passphrase")
    screenshot(page, "foundation-signup")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/"))
    # Nothing but the account exists until the email is verified (docs/privacy.md).
    assert not Client.objects.filter(email="amal.h@example.org").exists()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/a/{agency.slug}/me/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Amal"
    assert Client.objects.get(email="amal.h@example.org").agency == agency


def test_staff_sign_in_with_totp_then_switch_language_on_the_same_page(page):
    agency = AgencyFactory(slug="harbourside")
    counsellor = member(
        agency=agency, role=Role.COUNSELLOR, email="c@example.org", first_name="Chris"
    )
    sign_in(page, email=counsellor.email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.wait_for_url(re.compile(rf".*/en/a/{agency.slug}/staff/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Staff area"
    screenshot(page, "foundation-staff-area")

    page.get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(rf".*/fr/a/{agency.slug}/staff/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Espace du personnel"
    assert page.locator("html").get_attribute("lang") == "fr"
    screenshot(page, "foundation-staff-area-fr")


def test_keyboard_user_can_skip_to_content(page):
    agency = AgencyFactory(slug="keyboard")
    page.goto(f"/fr/a/{agency.slug}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.inner_text() == "Aller au contenu principal"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
