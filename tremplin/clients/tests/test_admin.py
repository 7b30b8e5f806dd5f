import pytest
from allauth.mfa.totp.internal.auth import TOTP

from tremplin.agencies.tests.factories import TEST_TOTP_SECRET, UserFactory
from tremplin.clients.models import ConsentText
from tremplin.clients.selectors import consent_texts_current

pytestmark = pytest.mark.django_db


def test_operator_publishes_a_new_consent_text_version(client):
    operator = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(operator, TEST_TOTP_SECRET)  # operators use two-factor authentication too
    client.force_login(operator)
    assert client.get("/admin/clients/consenttext/add/").status_code == 200
    response = client.post(
        "/admin/clients/consenttext/add/",
        {
            "purpose": "contact_sms",
            "version": "2",
            "title_0": "Text messages",
            "title_1": "Textos",
            "body_0": "We may text you.",
            "body_1": "Nous pouvons vous écrire par texto.",
        },
    )
    assert response.status_code == 302
    text = consent_texts_current()["contact_sms"]
    assert (text.version, text.body.localize("fr")) == (2, "Nous pouvons vous écrire par texto.")
    assert ConsentText.objects.count() == 1
