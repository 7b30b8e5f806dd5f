"""API token pages in the browser: a network administrator creates a network token through the
real form (French, keyboard labels), sees it once, and the token pages of the network and of an
agency (tokens, webhooks) have no serious or critical axe-core violations, in EN and FR."""

from django_scopes import scopes_disabled

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _axe_source, axe_violations
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    AgencyFactory,
    member,
    network_admin,
)
from tremplin.api.models import ApiToken
from tremplin.api.services import token_hash


def test_network_token_created_in_the_browser_and_token_pages_pass_axe(page):
    source = _axe_source()
    with scopes_disabled():
        agency = AgencyFactory(slug="riviere")
        overseer = network_admin(network=agency.network)
        admin = member(agency=agency, role=Role.AGENCY_ADMIN)
    problems: list[str] = []

    sign_in(page, email=overseer.email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.goto("/fr/network/")
    page.get_by_role("link", name="Jetons d'API du réseau").click()
    page.get_by_role("textbox", name="Nom").fill("Tableau de bord du bailleur")
    page.get_by_label("Lire les organismes membres").check()
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("tpl_")
    problems += [f"network (secret shown) {v}" for v in axe_violations(page, source)]
    with scopes_disabled():
        token = ApiToken.objects.get(name="Tableau de bord du bailleur")
    assert token.agency is None and token.key_hash == token_hash(secret)
    page.goto("/fr/network/api/tokens/")
    assert secret not in page.content()
    for language in ("en", "fr"):
        page.goto(f"/{language}/network/api/tokens/")
        problems += [f"/{language}/network/api/tokens/ {v}" for v in axe_violations(page, source)]

    page.context.clear_cookies()
    sign_in(page, email=admin.email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    for language in ("en", "fr"):
        for path in ("/a/riviere/api/tokens/", "/a/riviere/api/webhooks/"):
            page.goto(f"/{language}{path}")
            problems += [f"/{language}{path} {v}" for v in axe_violations(page, source)]
    assert not problems, "\n".join(problems)
