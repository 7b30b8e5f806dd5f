"""A manager filters the agency dashboard to rural clients who prefer French, in French, and
downloads the CSV; the network administrator opens the network dashboard."""

import csv
import io

from django_scopes import scopes_disabled

from tests.browser.conftest import screenshot, sign_in
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    AgencyFactory,
    member,
    network_admin,
)
from tremplin.reports.tests.cohort import build_cohort


def test_manager_filters_rural_french_clients_and_downloads_the_csv(page):
    with scopes_disabled():
        agency = AgencyFactory(slug="plaines")
        build_cohort(agency)
        build_cohort(AgencyFactory(slug="collines", network=agency.network))
        manager = member(agency=agency, role=Role.AGENCY_ADMIN, language="fr")
        overseer = network_admin(network=agency.network)

    sign_in(
        page,
        email=manager.email,
        password=TEST_PASSWORD,
        totp_secret=TEST_TOTP_SECRET,
        language="fr",
    )
    page.goto("/fr/a/plaines/reports/")
    page.fill("#id_start", "2026-09-01")
    page.fill("#id_end", "2026-09-30")
    page.select_option("#id_location_type", "rural")
    page.select_option("#id_language", "fr")
    page.select_option("#id_by", "arrival_status")
    page.get_by_role("button", name="Afficher").click()
    page.get_by_role("heading", name="Tableau de bord de l'organisme").wait_for()
    participation = page.get_by_role(
        "table", name="Participation par statut d'arrivée, cette période"
    )
    assert "Participants servis" in participation.inner_text()
    total_row = participation.get_by_role("row").last
    assert total_row.inner_text().split("\t")[:2] == ["Total", "2"]
    screenshot(page, "reports-agency-dashboard")

    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name="Télécharger « Participation » (CSV, avec la période précédente)"
        ).click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0][:3] == [
        "Statut d'arrivée",
        "Participants servis",
        "Participants servis (période précédente)",
    ]
    # Two rural French-speaking participants: fewer than 5, so the download hides them.
    assert rows[-1][:2] == ["Total", "x"]

    page.context.clear_cookies()
    sign_in(
        page,
        email=overseer.email,
        password=TEST_PASSWORD,
        totp_secret=TEST_TOTP_SECRET,
        language="fr",
    )
    page.goto("/fr/network/reports/?start=2026-09-01&end=2026-09-30&by=agency")
    page.get_by_role("heading", name="Tableau de bord du réseau").wait_for()
    assert "Les groupes de moins de 5 personnes sont masqués" in page.content()
    screenshot(page, "reports-network-dashboard")
