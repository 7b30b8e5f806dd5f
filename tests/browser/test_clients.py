"""Journey of issue 3: a client signs up in French, completes the intake and the digital
assessment, and sees the delivery mode recommended to them."""

import re

from django.core import mail

from tests.browser.conftest import screenshot
from tremplin.agencies.tests.factories import AgencyFactory
from tremplin.clients.models import Client


def test_client_signs_up_in_french_completes_intake_and_sees_recommended_mode(page):
    agency = AgencyFactory(slug="carrefour-test", default_language="fr")
    page.goto(f"/fr/accounts/signup/?agency={agency.slug}")
    page.fill("input[name=email]", "fatou.ndiaye@example.org")
    page.fill("input[name=first_name]", "Fatou")
    page.fill("input[name=last_name]", "Ndiaye")
    page.fill("input[name=password1]", "une-phrase-de-passe-assez-longue")
    page.fill("input[name=password2]", "une-phrase-de-passe-assez-longue")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/fr/accounts/confirm-email/"))

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/fr/a/{agency.slug}/me/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour, Fatou"

    # Sign-up gave the name and email, so the intake opens at its second step.
    page.get_by_role("link", name="Compléter mon profil").click()
    page.wait_for_url(re.compile(r".*/clients/me/intake/arrival/"))
    assert "Étape 2 sur 5" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Arrivé au Canada").check()
    page.fill("input[name=arrival_date]", "2024-09-15")
    page.select_option("select[name=immigration_category]", "permanent_resident")
    page.get_by_label("Rural").check()
    page.fill("input[name=postal_area]", "E4P 1A1")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.wait_for_url(re.compile(r".*/clients/me/intake/languages/"))
    page.select_option("select[name=french_clb]", "9")
    page.select_option("select[name=english_clb]", "4")
    page.select_option("select[name=other_language_1]", "wo")
    page.select_option("select[name=other_level_1]", "native")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.wait_for_url(re.compile(r".*/clients/me/intake/work/"))
    page.select_option("select[name=education_level]", "college")
    page.select_option("select[name=education_country]", "SN")
    page.fill("input[name=occupation]", "cuisiniers")
    page.fill("input[name=years_experience]", "6")
    page.fill("textarea[name=employment_goal]", "Travailler comme cuisinière dans un restaurant.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.wait_for_url(re.compile(r".*/clients/me/intake/contact/"))
    page.fill("input[name=phone]", "506 555 0133")
    page.select_option("select[name=channel_1]", "whatsapp")
    page.select_option("select[name=channel_2]", "email")
    page.get_by_label("Utiliser mes renseignements pour me servir").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    # Last step saved, no assessment yet: the questionnaire comes next.
    page.wait_for_url(re.compile(r".*/clients/me/digital/"))
    page.get_by_label("Un téléphone intelligent (avec applications et Internet)").check()
    page.check("input[name=device_access][value=own]")
    page.check("input[name=internet][value=mobile_only]")
    page.check("input[name=data_plan][value=limited]")
    for question, answer in [
        ("comfort_email", 2),
        ("comfort_video", 1),
        ("comfort_forms", 1),
        ("comfort_apps", 2),
        ("comfort_typing", 1),
    ]:
        page.check(f"input[name={question}][value='{answer}']")
    page.check("input[name=uses][value=whatsapp]")
    page.check("input[name=uses][value=email]")
    page.get_by_role("button", name="Voir ma recommandation").click()

    page.wait_for_url(re.compile(r".*/clients/me/digital/result/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Votre recommandation"
    assert page.locator(".recommended-mode").inner_text() == "Hybride (en personne et en ligne)"
    assert "Nous vous joindrons d’abord sur WhatsApp." in page.locator("main").inner_text()
    screenshot(page, "clients-assessment-fr")

    client = Client.objects.get(email="fatou.ndiaye@example.org")
    assert client.intake_completed_at is not None
    assert (client.noc_code, client.location_type, client.postal_area) == ("63200", "rural", "E4P")
    assert client.latest_assessment.recommended_mode == "hybrid"
