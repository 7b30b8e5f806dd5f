import pytest

from tremplin.audit.models import AuditEvent
from tremplin.audit.services import audit_log
from tremplin.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_audit_page_shows_words_names_and_filters(client, agency, agency_admin, counsellor):
    person = ClientFactory(agency=agency, first_name="Amal", last_name="Nasser")
    audit_log(agency=agency, actor=counsellor, action="consent.withdraw", client_id=person.pk)
    audit_log(agency=agency, actor=agency_admin, action="enrolment.complete", client_id=person.pk)
    client.force_login(agency_admin)
    page = client.get(f"/fr/a/{agency.slug}/staff/audit/").text
    assert "<td>Consentement retiré</td>" in page and ">consent.withdraw<" not in page
    assert "Amal Nasser" in page
    filtered = client.get(
        f"/en/a/{agency.slug}/staff/audit/", {"actor": counsellor.pk, "action": "consent.withdraw"}
    ).text
    assert "<td>Consent withdrawn</td>" in filtered and "<td>Course completed</td>" not in filtered
    bad = client.get(f"/en/a/{agency.slug}/staff/audit/", {"since": "not-a-date", "actor": "x"})
    assert bad.status_code == 200


def test_audit_export_is_filtered_and_itself_audited(client, agency, agency_admin, counsellor):
    person = ClientFactory(agency=agency)
    audit_log(agency=agency, actor=counsellor, action="client.view", client_id=person.pk)
    audit_log(agency=agency, actor=counsellor, action="case_note.create", client_id=person.pk)
    client.force_login(agency_admin)
    response = client.get(
        f"/en/a/{agency.slug}/staff/audit/export.csv", {"client": person.pk, "why": "complaint"}
    )
    body = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith("attachment")
    assert "Client record viewed" in body and "Case note written" in body
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor == agency_admin and export.detail["why"] == "complaint"
    assert export.detail["filters"] == ["client"]


def test_client_search_is_audited_without_the_words_searched(client, agency, counsellor):
    client.force_login(counsellor)
    client.get(f"/en/a/{agency.slug}/clients/", {"q": "Zorba"})
    event = AuditEvent.objects.get(action="client.list")
    assert event.actor == counsellor and "q" in event.detail["filters"]
    assert "Zorba" not in str(event.detail)
