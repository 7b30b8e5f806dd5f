"""The report pages through the test client: who may open them, what they show, the CSVs."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import member, network_admin
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs.models import Registration
from tremplin.reports.figures import Selection
from tremplin.reports.selectors import dashboard
from tremplin.reports.tables import HIDDEN
from tremplin.reports.tests.cohort import ZONE, build_cohort
from tremplin.reports.tests.test_figures import SEPTEMBER

SEPT = {"start": "2026-09-01", "end": "2026-09-30"}


@pytest.fixture
def cohort(agency):
    return build_cohort(agency)


def _url(name, agency, **kwargs):
    return reverse(f"reports:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


def _csv(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_agency_dashboard_page_is_light_accessible_and_shows_the_figures(
    client, cohort, agency_admin
):
    client.force_login(agency_admin)
    response = client.get(_url("dashboard", cohort.agency), {**SEPT, "by": "location_type"})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) < 150_000
    assert "<script" not in html
    assert html.count('role="img"') == 5  # one chart per table, each with title and desc
    assert html.count("<desc id=") == 5 and html.count("<title id=") == 5
    assert "Participants served" in html and "Rural" in html


def test_the_csv_of_a_table_is_suppressed_and_in_the_readers_language(client, cohort, agency_admin):
    client.force_login(agency_admin)
    url = reverse("reports:dashboard", kwargs={"agency_slug": cohort.agency.slug})
    response = client.get(
        url.replace("/en/", "/fr/"), {**SEPT, "by": "location_type", "download": "participation"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:2] == ["Type de milieu", "Participants servis"]
    # 2 rural, 1 urban, 1 remote participants: all under 5, so hidden, total too.
    body = {row[0]: row[1] for row in rows[1:]}
    assert set(body.values()) == {HIDDEN}


def test_key_figures_csv(client, cohort, agency_admin, settings):
    settings.REPORTS_SUPPRESSION_THRESHOLD = 1
    client.force_login(agency_admin)
    response = client.get(_url("dashboard", cohort.agency), {**SEPT, "download": "key"})
    rows = _csv(response)
    assert rows[0] == ["Figure", "This period", "Previous period", "Change"]
    assert rows[1] == ["Participants served", "4", "2", "+2"]


def test_bad_filters_give_a_message_and_unknown_downloads_a_404(client, cohort, agency_admin):
    client.force_login(agency_admin)
    response = client.get(
        _url("dashboard", cohort.agency), {"start": "2026-09-30", "end": "2026-09-01"}
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()
    response = client.get(_url("dashboard", cohort.agency), {"start": "not a date"})
    assert response.status_code == 200
    assert client.get(_url("dashboard", cohort.agency), {"download": "nope"}).status_code == 404


def test_only_agency_administrators_of_this_agency_see_its_reports(
    client, cohort, counsellor, other_agency
):
    client.force_login(counsellor)
    assert client.get(_url("dashboard", cohort.agency)).status_code == 404
    outsider = member(agency=other_agency, role=Role.AGENCY_ADMIN)
    client.force_login(outsider)
    for name in ("dashboard", "modes", "funder"):
        assert client.get(_url(name, cohort.agency)).status_code == 404
    assert client.get(reverse("network_reports:dashboard")).status_code == 404


def test_agency_b_never_sees_agency_a_figures(client, cohort, other_agency, settings):
    settings.REPORTS_SUPPRESSION_THRESHOLD = 1
    outsider = member(agency=other_agency, role=Role.AGENCY_ADMIN)
    client.force_login(outsider)
    response = client.get(_url("dashboard", other_agency), {**SEPT, "download": "key"})
    rows = {row[0]: row[1] for row in _csv(response)[1:]}
    assert rows["Participants served"] == "0"
    assert rows["New intakes"] == "0"
    assert rows["Attendances"] == "0"


def _bigger_network(cohort, other_agency):
    """The cohort, plus 7 online rural clients in alpha and 6 urban ones in beta."""
    build_cohort(other_agency)
    session = cohort.sessions["S2"]
    for _ in range(7):
        person = ClientFactory(agency=cohort.agency, location_type="rural", preferred_language="fr")
        Registration.objects.create(
            agency=cohort.agency,
            session=session,
            client=person,
            mode="online",
            status="confirmed",
            attendance="attended",
            attended_mode="online",
        )


def test_the_network_view_never_shows_a_count_under_the_threshold(cohort, other_agency):
    _bigger_network(cohort, other_agency)
    ids = [cohort.agency.pk, other_agency.pk]
    for by in ("mode", "location_type", "arrival_status", "language", "program", "agency"):
        with timezone.override(ZONE):
            board = dashboard(
                agency_ids=ids, selection=Selection(SEPTEMBER, by=by), network=True, suppress=True
            )
        shown_somewhere = False
        for table in board.tables:
            for row in [*table.rows, table.total]:
                for cell in row.cells:
                    if cell.column.kind != "count" or not cell.column.people:
                        continue
                    for value in (cell.current, cell.previous):
                        assert value.shown is None or value.shown == 0 or value.shown >= 5, (
                            by,
                            table.key,
                            row.label,
                            cell.column.key,
                        )
                        shown_somewhere |= bool(value.shown)
        assert shown_somewhere  # the check above is not vacuous


def test_network_pages_for_the_network_administrator(client, cohort, other_agency, network):
    _bigger_network(cohort, other_agency)
    admin = network_admin(network=network)
    client.force_login(admin)
    response = client.get(reverse("network_reports:dashboard"), {**SEPT, "by": "agency"})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) < 150_000
    assert "Groups of fewer than 5 clients are hidden" in html
    assert cohort.clients["C1"].first_name not in html  # aggregates only, never a person
    response = client.get(reverse("network_reports:modes"), SEPT)
    assert response.status_code == 200
    response = client.get(reverse("network_reports:modes"), {**SEPT, "download": "csv"})
    rows = _csv(response)
    assert rows[0][0] == "Type of service"
    clients = {row[1]: row[2] for row in rows[1:]}
    # Online: C1 C2 of each agency and the 7 others = 11. In person 4 (hidden), so the next
    # smallest, hybrid (6), is hidden too: the total (15) would give it back.
    assert clients == {"In person": HIDDEN, "Online": "11", "Hybrid": HIDDEN}


def test_agency_mode_comparison_page(client, cohort, agency_admin):
    client.force_login(agency_admin)
    response = client.get(_url("modes", cohort.agency), SEPT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Workshop" in html and "too few to compare" in html


def test_default_period_is_the_last_90_days(client, cohort, agency_admin):
    client.force_login(agency_admin)
    response = client.get(_url("dashboard", cohort.agency))
    assert response.status_code == 200
    board = response.context["board"]
    with timezone.override(ZONE):  # the agency's time zone
        assert board.selection.period.end == timezone.localdate()
    assert board.selection.period.days == 90
