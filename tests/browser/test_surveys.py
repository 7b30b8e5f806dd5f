"""A client opens a French survey invitation on a small phone with JavaScript off, answers
with one branch skipped, and the agency's staff page shows the response."""

from django_scopes import scopes_disabled

from tests.browser.conftest import screenshot, sign_in
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, AgencyFactory, member
from tremplin.clients.tests.factories import ClientFactory
from tremplin.surveys import services
from tremplin.surveys.models import Response, SurveyKind
from tremplin.surveys.templates_data import ensure_network_templates


def test_french_invitation_on_a_phone_then_staff_see_the_response(page, live_server):
    with scopes_disabled():
        agency = AgencyFactory(slug="prairie", default_language="fr")
        admin = member(agency=agency, role=Role.AGENCY_ADMIN, first_name="Ada", last_name="Admin")
        person = ClientFactory(
            agency=agency, first_name="Aïcha", last_name="Traoré", preferred_language="fr"
        )
        template = next(
            t
            for t in ensure_network_templates(agency.network)
            if t.kind == SurveyKind.END_OF_PROGRAM
        )
        survey = services.survey_adopt(template=template, agency=agency, actor=None)
        survey.is_anonymous = False  # identified here, so that staff see whose response it is
        survey.save()
        invitation = services.invitation_create(
            survey=survey, actor=None, client=person, send=False
        )
        link = services.invitation_link(invitation).removeprefix("http://127.0.0.1:8000")
    assert link.startswith("/fr/")

    phone = page.context.browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        java_script_enabled=False,
        locale="fr-CA",
    )
    tab = phone.new_page()
    tab.goto(link)
    tab.get_by_role("heading", name="Sondage de fin de programme").wait_for()
    tab.get_by_role(
        "group", name="Dans l'ensemble, je suis satisfait·e du programme."
    ).get_by_label("5 · Tout à fait d'accord").check()
    tab.get_by_role("group", name="Quelle est la probabilité").get_by_label("9", exact=True).check()
    screenshot(tab, "surveys-invitation-fr-phone")
    tab.get_by_role("button", name="Suivant", exact=True).click()
    # In person: the questions on joining online are skipped.
    tab.get_by_label("En personne").check()
    assert tab.get_by_text("Il était facile de rejoindre les séances en ligne.").count() == 0
    tab.get_by_role("button", name="Suivant", exact=True).click()
    tab.get_by_label("Voulez-vous nous dire autre chose ?").fill("Merci pour les ateliers du soir.")
    tab.get_by_role("button", name="Envoyer mes réponses").click()
    tab.get_by_role("heading", name="Merci !").wait_for()
    phone.close()
    with scopes_disabled():
        response = Response.objects.get(survey=survey)
        stored = {a.question.name: a.value for a in response.answers.select_related("question")}
    assert stored == {
        "satisfaction": 5,
        "recommend": 9,
        "attended_how": "in_person",
        "comments": "Merci pour les ateliers du soir.",
    }

    sign_in(
        page, email=admin.email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET, language="fr"
    )
    page.goto(f"/fr/a/prairie/surveys/{survey.pk}/responses/")
    page.get_by_role("cell", name="Aïcha Traoré").wait_for()
    page.get_by_role("link", name=response.submitted_at.strftime("%Y")).first.click()
    page.get_by_text("Merci pour les ateliers du soir.").wait_for()
    screenshot(page, "surveys-response-staff")
