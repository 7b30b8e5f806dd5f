import re
import time

import pyotp
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client as Browser

from tremplin.accounts.middleware import SESSION_LAST_SEEN
from tremplin.accounts.models import User
from tremplin.agencies.models import Membership
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory, member
from tremplin.clients.models import Client


def sign_up(
    browser: Browser, agency_slug: str, email: str = "new.client@example.org", lang: str = "en"
):
    return browser.post(
        f"/{lang}/accounts/signup/",
        {
            "email": email,
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "first_name": "Noor",
            "last_name": "Haddad",
            "agency": agency_slug,
        },
    )


@pytest.mark.django_db
def test_self_signup_makes_a_client_of_the_chosen_agency_after_email_verification(
    client, agency, other_agency
):
    response = sign_up(client, other_agency.slug, lang="fr")
    assert response.status_code == 302
    user = User.objects.get(email="new.client@example.org")
    assert user.language == "fr"
    # Until the email is verified, only the account exists: no agency sees the person.
    assert not Membership.objects.filter(user=user).exists()
    assert not Client.objects.filter(user=user).exists()

    # Mandatory verification: the link in the (French) email signs the person in.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=user).agency == other_agency
    record = Client.objects.get(user=user)
    assert (record.agency, record.first_name, record.preferred_language) == (
        other_agency,
        "Noor",
        "fr",
    )
    assert not Membership.objects.filter(user=user, agency=agency).exists()
    assert client.get(f"/fr/a/{other_agency.slug}/me/").status_code == 200


@pytest.mark.django_db
def test_signup_with_unknown_agency_writes_nothing(client, agency):
    response = sign_up(client, "not-an-agency")
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_with_garbage_and_oversized_input_is_refused_not_500(client, agency):
    response = client.post(
        "/fr/accounts/signup/",
        {
            "email": "x" * 5000,
            "password1": "\x00",
            "password2": "",
            "first_name": "y" * 10_000,
            "agency": agency.slug,
        },
    )
    assert response.status_code == 200
    # Django's own French messages, field by field.
    assert "Assurez-vous que cette valeur comporte au plus 150 caractères" in response.text
    assert "Ce champ est obligatoire." in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_in_production():
    assert settings.PASSWORD_HASHERS  # tests use a fast hasher; production's first hasher is Argon2
    from tremplin.config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_staff_without_totp_must_set_it_up_before_anything_else(client, agency):
    counsellor = member(agency=agency, role=Role.COUNSELLOR, totp=False)
    client.force_login(counsellor)
    response = client.get(f"/en/a/{agency.slug}/staff/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]
    # The set-up pages stay reachable (allauth first asks a force-logged-in user to confirm
    # their password), with no redirect loop back to the MFA requirement.
    response = client.get("/en/accounts/2fa/totp/activate/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/en/accounts/reauthenticate/")


@pytest.mark.django_db
def test_clients_are_not_forced_into_totp(client, agency, client_user):
    client.force_login(client_user)
    assert client.get(f"/en/a/{agency.slug}/me/").status_code == 200


@pytest.mark.django_db
def test_staff_sign_in_asks_for_the_totp_code(client, agency, counsellor):
    response = client.post(
        "/en/accounts/login/", {"login": counsellor.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert client.get(f"/en/a/{agency.slug}/staff/").status_code == 302  # not signed in yet
    response = client.post(
        "/en/accounts/2fa/authenticate/", {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()}
    )
    assert response.status_code == 302
    assert client.get(f"/en/a/{agency.slug}/staff/").status_code == 200


@pytest.mark.django_db
def test_staff_session_ends_after_30_idle_minutes(client, agency, counsellor):
    client.force_login(counsellor)
    assert client.get(f"/en/a/{agency.slug}/staff/").status_code == 200
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT_SECONDS - 1
    session.save()
    response = client.get(f"/en/a/{agency.slug}/staff/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_active_staff_session_slides(client, agency, counsellor):
    client.force_login(counsellor)
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT_SECONDS + 120
    session.save()
    assert client.get(f"/en/a/{agency.slug}/staff/").status_code == 200
    assert client.session.get_expiry_age() <= settings.STAFF_IDLE_TIMEOUT_SECONDS


@pytest.mark.django_db
def test_client_session_is_not_cut_after_30_minutes(client, agency, client_user):
    client.force_login(client_user)
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 3 * 3600
    session.save()
    assert client.get(f"/en/a/{agency.slug}/me/").status_code == 200


@pytest.mark.django_db
def test_repeated_failed_logins_are_throttled_the_same_for_unknown_accounts(agency):
    from django.core.cache import cache

    cache.clear()
    known = UserFactory(email="known@example.org")
    answers = {}
    for email in (known.email, "nobody@example.org"):
        browser = Browser(REMOTE_ADDR="10.0.0.1")
        bodies = [
            browser.post("/en/accounts/login/", {"login": email, "password": "wrong-password"}).text
            for _ in range(6)
        ]
        answers[email] = bodies
    for bodies in answers.values():
        assert "not correct" in bodies[0]
        assert "Too many failed login attempts" in bodies[-1]
    # Even the right password is refused while the address is throttled.
    browser = Browser()
    response = browser.post(
        "/en/accounts/login/", {"login": known.email, "password": TEST_PASSWORD}
    )
    assert "Too many failed login attempts" in response.text
    cache.clear()


@pytest.mark.django_db
def test_landing_sends_a_single_agency_client_to_their_space(client, agency, client_user):
    client.force_login(client_user)
    response = client.get("/en/me/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/a/{agency.slug}/me/"


@pytest.mark.django_db
def test_landing_sends_staff_to_the_staff_area(client, agency, counsellor):
    client.force_login(counsellor)
    response = client.get("/fr/me/")
    assert response["Location"] == f"/fr/a/{agency.slug}/staff/"
