import pytest

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import UserFactory, member
from tremplin.clients.tests.factories import ClientFactory


@pytest.mark.django_db
def test_agency_admin_sees_only_their_agency_in_the_back_office(
    client, agency, other_agency, agency_admin
):
    ClientFactory(agency=agency, last_name="Ours")
    ClientFactory(agency=other_agency, last_name="Theirs")
    client.force_login(agency_admin)
    listing = client.get("/admin/clients/client/")
    assert listing.status_code == 200
    assert "Ours" in listing.text and "Theirs" not in listing.text
    agencies = client.get("/admin/agencies/agency/")
    assert agency.slug in agencies.text and other_agency.slug not in agencies.text


@pytest.mark.django_db
def test_agency_admin_cannot_open_another_agencys_object(client, other_agency, agency_admin):
    theirs = ClientFactory(agency=other_agency)
    client.force_login(agency_admin)
    response = client.get(f"/admin/clients/client/{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert "/admin/" in response["Location"]


@pytest.mark.django_db
def test_counsellors_and_clients_have_no_back_office(client, agency, counsellor, client_user):
    for user in (counsellor, client_user):
        client.force_login(user)
        assert client.get("/admin/", follow=True).status_code == 403
        assert (
            client.get(
                f"/admin/clients/client/?agency__id__exact={agency.pk}", follow=True
            ).status_code
            == 403
        )


@pytest.mark.django_db
def test_anonymous_back_office_visit_goes_to_the_one_sign_in(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/en/accounts/login/?next=%2Fadmin%2F"


@pytest.mark.django_db
def test_user_accounts_are_for_superusers_only(client, agency_admin):
    client.force_login(agency_admin)
    assert client.get("/admin/accounts/user/").status_code == 403
    superuser = UserFactory(is_superuser=True, is_staff=True)
    member(
        agency=agency_admin.memberships.first().agency,
        role=Role.AGENCY_ADMIN,
        email="other@example.org",
    )
    client.force_login(superuser)
    # Superusers are staff: they set up TOTP before using the back-office.
    assert client.get("/admin/accounts/user/").status_code == 302
