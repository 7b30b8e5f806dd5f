"""A client asks the assistant in French for the next resume workshop, registers through the
chat, and sees the registration on their page."""

from django_scopes import scopes_disabled

from tests.browser.conftest import screenshot, sign_in
from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import TEST_PASSWORD, AgencyFactory, member
from tremplin.assistant.tests.factories import install_trained_knowledge_base, make_session
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs.models import Registration


def test_client_registers_for_the_resume_workshop_in_french_through_the_chat(page):
    with scopes_disabled():
        agency = AgencyFactory(slug="prairie", default_language="en")
        person = member(agency=agency, role=Role.CLIENT, first_name="Aïcha", last_name="Diallo")
        me = ClientFactory(
            agency=agency,
            user=person,
            first_name="Aïcha",
            last_name="Diallo",
            preferred_language="fr",
        )
        install_trained_knowledge_base(agency)
        workshop = make_session(
            agency, title={"en": "Resume workshop", "fr": "Atelier CV"}, delivery_mode="hybrid"
        )
        make_session(agency, title={"en": "Mock interviews", "fr": "Entrevues simulées"}, days=1)

    sign_in(page, email=person.email, password=TEST_PASSWORD, language="fr")
    page.goto("/fr/a/prairie/me/")
    chat = page.locator("#assistant-chat")
    message = chat.get_by_label("Votre message")

    message.fill("C'est quand le prochain atelier CV ?")
    chat.get_by_role("button", name="Envoyer").click()
    chat.get_by_text("1. Atelier CV").wait_for()
    assert chat.get_by_text("Entrevues simulées").count() == 0

    message.fill("1")
    chat.get_by_role("button", name="Envoyer").click()
    chat.get_by_text("en personne ou en ligne").wait_for()
    message.fill("2")
    chat.get_by_role("button", name="Envoyer").click()
    chat.get_by_text("Voulez-vous que je vous inscrive").wait_for()
    message.fill("oui")
    chat.get_by_role("button", name="Envoyer").click()
    chat.get_by_text("C'est fait").wait_for()
    screenshot(page, "assistant-registered-in-french")

    with scopes_disabled():
        registration = Registration.objects.get(client=me, session=workshop)
    assert (registration.mode, registration.status, registration.channel) == (
        "online",
        "confirmed",
        "assistant",
    )

    page.reload()  # the page itself (not only the chat) lists the new registration
    page.locator("main").get_by_text("Atelier CV").first.wait_for()
    screenshot(page, "assistant-my-page")


def test_client_registers_online_in_arabic_on_a_phone_and_reads_the_reply_right_to_left(page):
    with scopes_disabled():
        agency = AgencyFactory(slug="riverside", default_language="en")
        person = member(agency=agency, role=Role.CLIENT, first_name="Layla", last_name="Haddad")
        me = ClientFactory(agency=agency, user=person, first_name="Layla", last_name="Haddad")
        install_trained_knowledge_base(agency)
        workshop = make_session(
            agency, title={"en": "Resume workshop", "fr": "Atelier CV"}, delivery_mode="online"
        )

    sign_in(page, email=person.email, password=TEST_PASSWORD)
    page.goto("/en/a/riverside/me/")
    chat = page.locator("#assistant-chat")
    message = chat.get_by_label("Your message")

    message.fill("أريد التسجيل في ورشة السيرة الذاتية")
    chat.get_by_role("button", name="Send").click()
    question = chat.locator(".chat-text[dir=rtl]", has_text="هل أسجلك")
    question.wait_for()
    message.fill("نعم")
    chat.get_by_role("button", name="Send").click()
    done = chat.locator(".chat-text[dir=rtl]", has_text="تم!")
    done.wait_for()
    assert done.evaluate("element => getComputedStyle(element).direction") == "rtl"
    screenshot(page, "assistant-arabic-phone")

    with scopes_disabled():
        registration = Registration.objects.get(client=me, session=workshop)
    assert (registration.mode, registration.channel) == ("online", "assistant")
