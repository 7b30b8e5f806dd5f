import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import LocationFactory, member


@pytest.mark.django_db
def test_agency_home_is_public_and_lists_locations(client, agency):
    LocationFactory(agency=agency, city="Brooks")
    response = client.get(reverse("agencies:home", kwargs={"agency_slug": agency.slug}))
    assert response.status_code == 200
    assert "Downtown" in response.text


@pytest.mark.django_db
def test_agency_home_in_french(client, agency):
    response = client.get(f"/fr/a/{agency.slug}/")
    assert response.status_code == 200
    assert f"Agence {agency.slug}" in response.text
    assert '<html lang="fr">' in response.text


@pytest.mark.django_db
def test_unknown_agency_is_404(client):
    assert client.get("/en/a/no-such-agency/").status_code == 404


@pytest.mark.django_db
def test_staff_area_needs_sign_in(client, agency):
    response = client.get(f"/en/a/{agency.slug}/staff/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_staff_area_for_staff(client, agency, counsellor):
    client.force_login(counsellor)
    response = client.get(f"/en/a/{agency.slug}/staff/")
    assert response.status_code == 200
    assert "Chris Counsellor" in response.text


@pytest.mark.django_db
def test_client_cannot_enter_staff_area(client, agency, client_user):
    client.force_login(client_user)
    assert client.get(f"/en/a/{agency.slug}/staff/").status_code == 404
    assert client.get(f"/en/a/{agency.slug}/me/").status_code == 200


@pytest.mark.django_db
def test_staff_of_other_agency_gets_404(client, agency, other_agency):
    outsider = member(agency=other_agency, role=Role.AGENCY_ADMIN)
    client.force_login(outsider)
    assert client.get(f"/en/a/{agency.slug}/staff/").status_code == 404
    assert client.get(f"/en/a/{other_agency.slug}/staff/").status_code == 200


@pytest.mark.django_db
def test_agency_pages_read_the_agency_from_the_cache_until_a_change_is_committed(
    client, agency, django_capture_on_commit_callbacks
):
    home = f"/en/a/{agency.slug}/"
    assert client.get(home).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(home).status_code == 200
    assert not [q for q in captured.captured_queries if "agencies_agency" in q["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        agency.name = {"en": "Renamed agency", "fr": "Agence renommée"}
        agency.save()
    assert "Renamed agency" in client.get(home).text
    with django_capture_on_commit_callbacks(execute=True):
        agency.network.save()  # the network is read with the agency
    with django_capture_on_commit_callbacks(execute=True):
        agency.is_active = False
        agency.save()
    assert client.get(home).status_code == 404
