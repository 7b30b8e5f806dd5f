"""An employer contact posts a job in French; a client finds it matched on their page and
shares part of their profile; the employer sees the shortlist."""

from datetime import timedelta

from django_scopes import scopes_disabled

from tests.browser.conftest import screenshot, sign_in
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import TEST_PASSWORD, AgencyFactory, member
from tremplin.clients.models import ClientLanguage
from tremplin.clients.tests.factories import ClientFactory
from tremplin.employers.models import JobInterest, JobPosting
from tremplin.employers.selectors import today_for
from tremplin.employers.tests.factories import EmployerFactory, employer_contact


def test_employer_posts_in_french_client_shares_employer_sees_shortlist(page):
    with scopes_disabled():
        agency = AgencyFactory(slug="acadie", default_language="fr")
        employer = EmployerFactory(agency=agency, name="Coopérative Santé Acadie")
        contact = employer_contact(
            employer=employer, first_name="Chantal", last_name="LeBlanc", language="fr"
        )
        person = member(agency=agency, role=Role.CLIENT, first_name="Aïcha", last_name="Diallo")
        me = ClientFactory(
            agency=agency,
            user=person,
            first_name="Aïcha",
            last_name="Diallo",
            noc_code="33102",
            location_type="urban",
            years_experience=6,
        )
        ClientLanguage.objects.create(agency=agency, client=me, language="fr", clb_level=7)
        closing_day = (today_for(agency) + timedelta(days=20)).isoformat()

    sign_in(page, email=contact.email, password=TEST_PASSWORD, language="fr")
    page.goto("/fr/a/acadie/employers/employer/")
    page.get_by_role("link", name="Publier une offre").first.click()
    page.fill("input[name=title_1]", "Préposée ou préposé aux bénéficiaires")
    page.fill("textarea[name=description_1]", "Soins aux résidents, de jour. Formation offerte.")
    page.fill("input[name=noc_code]", "33102")
    page.fill("input[name=city]", "Moncton")
    page.select_option("select[name=work_mode]", "on_site")
    page.select_option("select[name=employment_type]", "full_time")
    page.fill("input[name=min_clb_french]", "5")
    page.fill("input[name=closing_date]", closing_day)
    screenshot(page, "employers-post-a-job-fr")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Offre d’emploi enregistrée.").wait_for()
    with scopes_disabled():
        posting = JobPosting.objects.get(employer=employer)
    assert posting.title.localize("fr") == "Préposée ou préposé aux bénéficiaires"

    page.context.clear_cookies()
    sign_in(page, email=person.email, password=TEST_PASSWORD, language="fr")
    page.goto("/fr/a/acadie/me/")
    page.get_by_role("link", name="Préposée ou préposé aux bénéficiaires").first.click()
    page.get_by_role("link", name="Je suis intéressé·e").click()
    page.get_by_label("Mon adresse courriel").uncheck()
    page.get_by_label("J’accepte que cet employeur").check()
    screenshot(page, "employers-share-profile")
    page.get_by_role("button", name="Partager avec l’employeur").click()
    page.get_by_text("peut maintenant voir ce que vous avez choisi de partager").wait_for()
    with scopes_disabled():
        interest = JobInterest.objects.get(posting=posting, client=me)
    assert interest.shared_fields == ["name", "occupation"]

    page.context.clear_cookies()
    sign_in(page, email=contact.email, password=TEST_PASSWORD, language="fr")
    page.goto(f"/fr/a/acadie/employers/employer/jobs/{posting.pk}/")
    shortlist = page.locator("#shortlist")
    shortlist.get_by_text("Aïcha Diallo").wait_for()
    assert me.email not in shortlist.inner_text()
    screenshot(page, "employers-shortlist")
