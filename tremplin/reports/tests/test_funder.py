"""The funder export: every column of every template for the known cohort, the rejected rows
with their links, the .xlsx layout, and the identifier page."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tremplin.audit.models import AuditEvent
from tremplin.reports.funder import funder_export, load_mappings
from tremplin.reports.models import FunderProfile
from tremplin.reports.tests.cohort import ZONE, build_cohort

SEPTEMBER = date(2026, 9, 1)


@pytest.fixture
def cohort(agency):
    return build_cohort(agency)


def _export(cohort, template):
    with timezone.override(ZONE):
        return funder_export(
            agency=cohort.agency, template_id=f"icare-2018:{template}", month=SEPTEMBER
        )


def _as_dicts(export, rows):
    machines = [c["machine"] for c in export.columns]
    return [dict(zip(machines, row.values, strict=True)) for row in rows]


def test_every_template_column_is_documented():
    docs = open("docs/reports.md", encoding="utf-8").read()
    for template in load_mappings()["icare-2018"]["templates"].values():
        for column in template["columns"]:
            assert f"`{column['machine']}`" in docs, column["machine"]


def test_client_profile(cohort):
    export = _export(cohort, "client_profile")
    # Served in September: C1 C2 C3 C5. C2 has no identifier, C5 no date of birth.
    assert [row.label for row in export.valid_rows] == ["Amira Test", "Chen Test"]
    assert _as_dicts(export, export.valid_rows) == [
        {
            "processing_details": "",
            "update_record_id": "",
            "client_validation_type_id": "1",
            "client_validation_id": "UCI1111",
            "client_birth_dt": date(1990, 5, 1),
            "postal_cd": "T2P1J9",
            "official_language_id": "2",
            "research_consent_ind": "No",
        },
        {
            "processing_details": "",
            "update_record_id": "",
            "client_validation_type_id": "3",
            "client_validation_id": "IMM2222",
            "client_birth_dt": date(1990, 5, 1),
            "postal_cd": "T2P1J9",
            "official_language_id": "1",
            "research_consent_ind": "No",
        },
    ]
    rejected = {row.label: row for row in export.rejected_rows}
    assert set(rejected) == {"Bruno Test", "Elif Test"}
    assert rejected["Bruno Test"].problems == [
        "Unique Identifier is missing.",
        "Unique Identifier Value is missing.",
    ]
    assert "/reports/funder/clients/" in rejected["Bruno Test"].fix_url
    assert rejected["Elif Test"].problems == ["Date of Birth (YYYY-MM-DD) is missing."]
    assert f"/clients/{cohort.clients['C5'].pk}/" in rejected["Elif Test"].fix_url
    assert [row.number for row in export.valid_rows] == [4, 5]


def test_needs_assessment_and_referrals(cohort):
    export = _export(cohort, "needs_assessment")
    (row,) = _as_dicts(export, export.valid_rows)
    assert row["start_dt"] == date(2026, 9, 4)
    assert row["language_of_service_id"] == "2"
    assert row["needs_employment_ind"] == "Yes"
    assert row["referral_employment_ind"] == "Yes"
    assert row["needs_health_ind"] == "Yes"  # mental health is in the health domain
    for domain in (
        "language",
        "credentials",
        "childcare",
        "transportation",
        "housing",
        "financial",
        "legal",
    ):
        assert row[f"needs_{domain}_ind"] == "No"
    assert row["referral_language_ind"] == "No"
    assert row["settlement_plan_completed_ind"] == "Yes"
    assert row["client_validation_id"] == "UCI1111"


def test_employment_related_services(cohort):
    export = _export(cohort, "employment_services")
    rows = {row.label: row for row in export.rows}
    # C2 and C5 attended, but their profiles would be rejected: so would their services.
    for name in ("Bruno Test", "Elif Test"):
        assert any("profile" in problem for problem in rows[name].problems)
    valid = {
        row.label: values
        for row, values in zip(export.valid_rows, _as_dicts(export, export.valid_rows), strict=True)
    }
    amira, chen = valid["Amira Test"], valid["Chen Test"]
    assert amira["intervention_type_id"] == "2"  # short term
    assert amira["short_term_service[1]service_received_id"] == "4"
    assert amira["short_term_service[1]service_dt"] == date(2026, 9, 10)
    assert amira["short_term_service[2]service_dt"] == date(2026, 9, 12)
    assert amira["short_term_service[3]service_received_id"] == ""
    assert amira["long_term_intervention[1]intervention_id"] == ""
    assert (amira["time_spent_hours"], amira["time_spent_minutes"]) == (3, 0)  # 2 h + 1 h
    assert amira["institution_type_id"] == "1"  # first service in person
    assert amira["language_of_service_id"] == "1"
    assert (chen["time_spent_hours"], chen["short_term_service[2]service_dt"]) == (
        4,
        date(2026, 9, 15),
    )


def test_community_connections(cohort):
    export = _export(cohort, "community_connections")
    assert not export.rejected_rows
    rows = _as_dicts(export, export.valid_rows)
    assert [(r["activity_title"], r["format_id"], r["participants_nbr_id"]) for r in rows] == [
        ("Workshop S1", "1", "1"),  # in person, 2 participants (< 10)
        ("Workshop S2", "2", "1"),
        ("Workshop S3", "3", "1"),
    ]
    assert rows[0]["start_dt"] == rows[0]["end_dt"] == date(2026, 9, 10)
    assert {r["event_type_id"] for r in rows} == {"1"}
    assert {r["status_id"] for r in rows} == {"1"}
    assert {r["postal_cd"] for r in rows} == {"T2P1J9"}


def test_unknown_codes_are_rejected_not_exported(cohort):
    FunderProfile.objects.filter(client=cohort.clients["C1"]).update(identifier_type="passport")
    export = _export(cohort, "client_profile")
    amira = next(row for row in export.rows if row.label == "Amira Test")
    assert amira.problems == ["Unique Identifier: “passport” has no code in the funder's list."]
    assert amira not in export.valid_rows


def test_xlsx_and_csv_downloads(client, cohort, agency_admin):
    client.force_login(agency_admin)
    url = reverse("reports:funder", kwargs={"agency_slug": cohort.agency.slug})
    params = {"month": "2026-09", "template": "icare-2018:client_profile"}
    page = client.get(url, params)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 rows would be rejected by the funder" in html
    assert "Fix Bruno Test" in html
    response = client.get(url, {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Client Profile"
    assert sheet["C2"].value == "client_validation_type_id"
    assert sheet["C3"].value == "Unique Identifier"
    assert sheet["D4"].value == "UCI1111"
    assert sheet["D5"].value == "IMM2222"
    assert sheet.max_row == 5  # the two rejected rows are not in the file
    response = client.get(url, {**params, "format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Client Profile"
    assert lines[3].startswith(",,1,UCI1111,1990-05-01,T2P1J9,2,No")
    assert len(lines) == 5
    assert AuditEvent.objects.filter(action="reports.funder_export").count() == 2


def test_a_bad_month_is_a_message_not_an_error(client, cohort, agency_admin):
    client.force_login(agency_admin)
    url = reverse("reports:funder", kwargs={"agency_slug": cohort.agency.slug})
    response = client.get(url, {"month": "September", "template": "icare-2018:client_profile"})
    assert response.status_code == 200
    assert "Give the month as YYYY-MM" in response.content.decode()
    response = client.get(url, {"month": "2026-09", "template": "nope"})
    assert response.status_code == 200


def test_fixing_an_identifier(client, cohort, agency_admin):
    client.force_login(agency_admin)
    bruno = cohort.clients["C2"]
    url = reverse(
        "reports:funder_profile", kwargs={"agency_slug": cohort.agency.slug, "client_id": bruno.pk}
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"identifier_type": "foss_gcms", "identifier_value": "!!"})
    assert response.status_code == 200
    assert not FunderProfile.objects.filter(client=bruno).exists()
    response = client.post(url, {"identifier_type": "foss_gcms", "identifier_value": " uci-777 "})
    assert response.status_code == 302
    assert FunderProfile.objects.get(client=bruno).identifier_value == "UCI-777"
    assert AuditEvent.objects.filter(action="funder_profile.set", client_id=bruno.pk).exists()
    export = _export(cohort, "client_profile")
    assert "Bruno Test" in [row.label for row in export.valid_rows]
