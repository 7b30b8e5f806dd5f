import pytest

from tremplin.agencies.policy import Perm, agency_view, permissions_for_roles
from tremplin.agencies.roles import NetworkRole, Role


def test_roles_grant_what_the_job_needs_and_no_more():
    facilitator = permissions_for_roles([Role.FACILITATOR])
    counsellor = permissions_for_roles([Role.COUNSELLOR])
    admin = permissions_for_roles([Role.AGENCY_ADMIN])
    assert Perm.SESSIONS_RUN in facilitator and Perm.CLIENTS_MANAGE not in facilitator
    assert Perm.CASE_NOTES not in facilitator and Perm.CASE_NOTES in counsellor
    assert Perm.AUDIT_VIEW in admin and Perm.AUDIT_VIEW not in counsellor
    assert permissions_for_roles([Role.CLIENT]) == {Perm.CLIENT_AREA}
    assert permissions_for_roles([Role.EMPLOYER]) == {Perm.EMPLOYER_AREA}
    assert Perm.STAFF_AREA not in permissions_for_roles([NetworkRole.NETWORK_ADMIN])
    assert permissions_for_roles([Role.CLIENT, Role.FACILITATOR]) == facilitator | {
        Perm.CLIENT_AREA
    }
    assert permissions_for_roles([]) == frozenset()


def test_a_view_declares_exactly_one_kind_of_access():
    with pytest.raises(ValueError):
        agency_view()
    with pytest.raises(ValueError):
        agency_view(perm=Perm.STAFF_AREA, public=True)


@pytest.mark.django_db
def test_network_dashboard_is_for_network_administrators(client, network, counsellor):
    from tremplin.agencies.tests.factories import network_admin

    client.force_login(counsellor)
    assert client.get("/en/network/").status_code == 404
    client.force_login(network_admin(network=network))
    response = client.get("/fr/network/")
    assert response.status_code == 200
    assert "Réseau test" in response.text


@pytest.mark.django_db
def test_not_found_page_is_translated(client):
    response = client.get("/fr/a/nowhere/")
    assert response.status_code == 404
    assert "Page introuvable" in response.text
