from datetime import UTC, datetime

import pytest

from tremplin.accounts.models import User
from tremplin.programs.tests.factories import SessionFactory


@pytest.mark.django_db
def test_session_times_follow_the_readers_time_zone(client, agency, client_user):
    # 15:00 UTC in June is 09:00 in Calgary (the agency) and 23:00 in Manila (a pre-arrival client).
    session = SessionFactory(
        element__program__agency=agency, starts_at=datetime(2030, 6, 3, 15, 0, tzinfo=UTC)
    )
    url = f"/en/a/{agency.slug}/programs/sessions/{session.pk}/"
    client.force_login(client_user)
    assert "9 a.m.–11 a.m. MDT" in client.get(url).text
    client_user.time_zone = "Asia/Manila"
    client_user.save()
    page = client.get(url).text
    assert "11 p.m.–1 a.m. PST" in page  # Philippine Standard Time


@pytest.mark.django_db
def test_preferences_save_language_and_time_zone(client, client_user):
    client.force_login(client_user)
    response = client.post("/fr/me/preferences/", {"language": "fr", "time_zone": "Asia/Kolkata"})
    assert response.status_code == 302
    client_user.refresh_from_db()
    assert (client_user.language, client_user.time_zone) == ("fr", "Asia/Kolkata")
    assert "Vos préférences sont enregistrées." in client.get("/fr/me/preferences/").text


@pytest.mark.django_db
def test_unknown_time_zone_is_refused_in_the_pages_language(client, client_user):
    client.force_login(client_user)
    response = client.post("/fr/me/preferences/", {"language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Mars/Olympus n’est pas un fuseau horaire connu." in response.text
    assert User.objects.get(pk=client_user.pk).time_zone == ""


@pytest.mark.django_db
def test_preferences_need_sign_in(client):
    assert client.get("/en/me/preferences/").status_code == 302
