"""Conversations for every action, in English and French, over the web chat and over SMS.

`open_chat` is parametrised by channel: each test runs once through the web chat (signed-in
client, htmx POST) and once through the Twilio webhook (signed request from the client's phone).
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from i18nfield.strings import LazyI18nString

from tremplin.assistant.models import (
    Conversation,
    ConversationMessage,
    ConversationStatus,
    IntentAnswer,
)
from tremplin.assistant.tests.chat import SmsChat, WebChat
from tremplin.assistant.tests.factories import make_session
from tremplin.clients.models import ArrivalStatus, Client
from tremplin.clients.services import client_assign_counsellor, digital_assessment_record
from tremplin.clients.tests.factories import ClientFactory
from tremplin.learning.models import Enrolment
from tremplin.learning.services import course_create, enrolment_create
from tremplin.programs.models import Registration, RegistrationStatus
from tremplin.programs.services import registration_create
from tremplin.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

WORDS = {
    "en": {"yes": "yes", "no": "no", "online": "2"},
    "fr": {"yes": "oui", "no": "non", "online": "2"},
}


def kb_answer(agency, intent_id: str, language: str) -> str:
    return IntentAnswer.objects.get(
        agency=agency, intent__intent_id=intent_id, language=language
    ).text


def resume_and_interview_sessions(agency):
    resume = make_session(
        agency, title=LazyI18nString({"en": "Resume workshop", "fr": "Atelier CV"})
    )
    interview = make_session(
        agency,
        title=LazyI18nString({"en": "Interview practice", "fr": "Pratique d'entrevue"}),
        days=1,
    )
    return resume, interview


@pytest.mark.parametrize(
    ("language", "question", "title"),
    [
        ("en", "when is the next resume workshop?", "Resume workshop"),
        ("fr", "c'est quand le prochain atelier CV?", "Atelier CV"),
    ],
)
def test_find_next_sessions_filtered_by_topic(open_chat, language, question, title):
    chat = open_chat(language)
    resume, interview = resume_and_interview_sessions(chat.agency)
    replies = chat.say(question)
    listing = "\n".join(replies)
    assert f"1. {title}" in listing
    assert (
        str(interview.title) not in listing and "Pratique" not in listing
    )  # filtered by the topic
    pending = chat.conversation.state["pending"]
    assert pending["step"] == "choose_session" and pending["sessions"] == [resume.pk]


@pytest.mark.parametrize(
    ("language", "request_text", "title"),
    [
        ("en", "sign me up for the resume workshop", "Resume workshop"),
        ("fr", "inscris-moi à l'atelier CV", "Atelier CV"),
    ],
)
def test_register_fills_the_mode_then_confirms_before_writing(
    open_chat, client_record, language, request_text, title
):
    chat = open_chat(language)
    session, _interview = resume_and_interview_sessions(chat.agency)
    assert "1." in "\n".join(chat.say(request_text))  # one session: asks in person or online
    confirm = chat.say(WORDS[language]["online"])
    assert title in confirm[0]
    assert not Registration.objects.filter(client=client_record).exists()  # nothing before "yes"
    done = chat.say(WORDS[language]["yes"])
    registration = Registration.objects.get(client=client_record, session=session)
    assert (registration.mode, registration.status, registration.channel) == (
        "online",
        "confirmed",
        "assistant",
    )
    assert title in done[0]
    assert chat.conversation.state.get("pending") is None


def test_register_from_the_session_list_by_number(open_chat, client_record):
    chat = open_chat("en")
    first = make_session(
        chat.agency,
        title=LazyI18nString({"en": "Resume basics", "fr": "CV : les bases"}),
        delivery_mode="online",
        days=2,
    )
    make_session(
        chat.agency,
        title=LazyI18nString({"en": "Resume advanced", "fr": "CV avancé"}),
        delivery_mode="online",
        days=4,
    )
    listing = "\n".join(chat.say("when is the next resume workshop?"))
    assert "1. Resume basics" in listing and "2. Resume advanced" in listing
    assert "Shall I register you" in chat.say("1")[0]  # online only: no mode question
    chat.say("yes")
    assert Registration.objects.get(client=client_record).session == first


def test_saying_no_writes_nothing(open_chat, client_record):
    chat = open_chat("fr")
    make_session(chat.agency, delivery_mode="in_person")
    chat.say("inscris-moi à l'atelier CV")
    chat.say(WORDS["fr"]["no"])
    assert not Registration.objects.filter(client=client_record).exists()


def test_assistant_registration_obeys_eligibility(open_chat, client_record):
    """The same service as the web pages: a pre-arrival program refuses a client in Canada."""
    chat = open_chat("en")
    program = ProgramFactory(agency=chat.agency, pre_arrival_only=True)
    make_session(chat.agency, program=program, delivery_mode="online")
    chat.say("sign me up for the resume workshop")
    reply = chat.say("yes")[0]
    assert reply.startswith("I could not register you:")
    assert "not arrived in Canada" in reply
    assert not Registration.objects.filter(client=client_record).exists()


def test_assistant_registration_joins_the_waitlist_when_full(open_chat, client_record):
    chat = open_chat("en")
    session = make_session(chat.agency, delivery_mode="in_person", in_person=1)
    registration_create(
        session=session, client=ClientFactory(agency=chat.agency), mode="in_person", actor=None
    )
    chat.say("sign me up for the resume workshop")
    reply = chat.say("yes")[0]
    registration = Registration.objects.get(client=client_record)
    assert (
        registration.status == RegistrationStatus.WAITLISTED and registration.waitlist_position == 1
    )
    assert "waitlist" in reply and "1" in reply


def test_assistant_registration_refused_when_full_without_waitlist(open_chat, client_record):
    chat = open_chat("en")
    session = make_session(chat.agency, delivery_mode="in_person", in_person=1, waitlist=False)
    registration_create(
        session=session, client=ClientFactory(agency=chat.agency), mode="in_person", actor=None
    )
    chat.say("sign me up for the resume workshop")
    assert "full" in chat.say("yes")[0]
    assert not Registration.objects.filter(client=client_record).exists()


@pytest.mark.parametrize(
    ("language", "question", "yes"),
    [("en", "cancel my registration", "yes"), ("fr", "annule mon inscription", "oui")],
)
def test_cancel_after_confirmation(open_chat, client_record, language, question, yes):
    chat = open_chat(language)
    session = make_session(chat.agency, delivery_mode="online")
    registration = registration_create(
        session=session, client=client_record, mode="online", actor=None
    )
    assert session.title.localize(language) in chat.say(question)[0]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED  # not before the confirmation
    chat.say(yes)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_cancel_asks_which_when_there_are_several(open_chat, client_record):
    chat = open_chat("en")
    sessions = [make_session(chat.agency, delivery_mode="online", days=days) for days in (2, 5)]
    for session in sessions:
        registration_create(session=session, client=client_record, mode="online", actor=None)
    assert "Which registration" in chat.say("cancel my registration")[0]
    chat.say("2")
    chat.say("yes")
    statuses = dict(
        Registration.objects.filter(client=client_record).values_list("session_id", "status")
    )
    assert statuses == {sessions[0].pk: "confirmed", sessions[1].pk: "cancelled"}


@pytest.mark.parametrize(
    ("language", "question", "title"),
    [
        ("en", "what am I registered for?", "Resume workshop"),
        ("fr", "montre-moi mes inscriptions", "Atelier CV"),
    ],
)
def test_my_registrations(open_chat, client_record, language, question, title):
    chat = open_chat(language)
    session = make_session(chat.agency, delivery_mode="online")
    registration_create(session=session, client=client_record, mode="online", actor=None)
    replies = chat.say(question)
    assert f"1. {title}" in replies[1]


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "what programs are right for me?"), ("fr", "quels programmes me conviennent?")],
)
def test_recommend_programs_from_profile_and_assessment(
    open_chat, client_record, language, question
):
    chat = open_chat(language)
    assessment = digital_assessment_record(
        client=client_record,
        actor=None,
        answers={
            "devices": ["computer", "smartphone"],
            "device_access": "own",
            "internet": "home_unlimited",
            "data_plan": "unlimited",
            "comfort_email": 3,
            "comfort_video": 3,
            "comfort_forms": 3,
            "comfort_apps": 3,
            "comfort_typing": 3,
            "uses": ["email"],
        },
    )
    fits = ProgramFactory(
        agency=chat.agency,
        title=LazyI18nString({"en": "Career bridge", "fr": "Passerelle carrière"}),
    )
    make_session(chat.agency, program=fits, delivery_mode="hybrid")
    ProgramFactory(
        agency=chat.agency,
        pre_arrival_only=True,
        title=LazyI18nString({"en": "Ready before arrival", "fr": "Prêt avant l'arrivée"}),
    )
    text = "\n".join(chat.say(question))
    assert ("Career bridge" if language == "en" else "Passerelle carrière") in text
    assert "Ready before arrival" not in text and "Prêt avant" not in text  # not eligible
    with translation.override(language):
        assert assessment.get_recommended_mode_display().lower() in text.lower()


def test_recommendations_put_pre_arrival_programs_first_for_pre_arrival_clients(
    open_chat, client_record
):
    Client.objects.filter(pk=client_record.pk).update(arrival_status=ArrivalStatus.PRE_ARRIVAL)
    chat = open_chat("en")
    ProgramFactory(
        agency=chat.agency, title=LazyI18nString({"en": "Employment essentials", "fr": "Essentiel"})
    )
    ProgramFactory(
        agency=chat.agency,
        pre_arrival_only=True,
        title=LazyI18nString({"en": "Ready before arrival", "fr": "Prêt"}),
    )
    listing = chat.say("what programs are right for me?")[1]
    assert listing.startswith("1. Ready before arrival")


@pytest.mark.parametrize(
    ("language", "question", "expected"),
    [
        ("en", "how far am I in my online course?", "Workplace culture: 40% done"),
        ("fr", "où j'en suis dans mon cours en ligne?", "Culture du milieu de travail"),
    ],
)
def test_course_progress(open_chat, client_user, language, question, expected):
    chat = open_chat(language)
    course = course_create(
        actor=None,
        network=chat.agency.network,
        agency=chat.agency,
        language="en",
        is_published=True,
        title=LazyI18nString({"en": "Workplace culture", "fr": "Culture du milieu de travail"}),
    )
    enrolment = enrolment_create(
        agency=chat.agency, course=course, user=client_user, actor=client_user
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        percent_complete=40
    )  # as if 40 % of lessons were done
    assert expected in "\n".join(chat.say(question))


@pytest.mark.parametrize(
    ("language", "question", "yes"),
    [
        ("en", "I prefer to be contacted by email", "yes"),
        ("fr", "je préfère être contacté par courriel", "oui"),
    ],
)
def test_change_contact_preferences(open_chat, client_record, language, question, yes):
    chat = open_chat(language)
    chat.say(question)
    client_record.refresh_from_db()
    assert client_record.preferred_channels == []  # confirmation first
    chat.say(yes)
    client_record.refresh_from_db()
    assert client_record.preferred_channels == ["email"]


def test_contact_preferences_negations_get_the_list(open_chat, client_record):
    chat = open_chat("en")
    assert "Type one or more numbers" in "\n".join(chat.say("stop sending me text messages"))
    chat.say("1 4")
    chat.say("yes")
    client_record.refresh_from_db()
    assert client_record.preferred_channels == ["email", "phone"]


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "I want to talk to a real person"), ("fr", "je veux parler à une vraie personne")],
)
def test_talk_to_a_person_hands_over_to_the_clients_counsellor(
    open_chat, client_record, counsellor, language, question
):
    client_assign_counsellor(client=client_record, counsellor=counsellor, actor=None)
    chat = open_chat(language)
    replies = chat.say(question)
    conversation = chat.conversation
    assert conversation.status == ConversationStatus.HANDED_OVER
    assert conversation.handover_reason == "requested"
    assert conversation.assigned_to == counsellor
    # When a person answers: the opening days and hours of the agency's facts.
    opening = {
        "en": "Our offices are open Monday to Friday",
        "fr": "Nos bureaux sont ouverts du lundi au vendredi",
    }
    assert any(reply.startswith(opening[language]) for reply in replies), replies
    # Waiting for a person: the client can keep talking to the assistant…
    assert chat.say("do you help with resumes?") == [
        kb_answer(chat.agency, "resume_workshop", "en")
    ]
    assert chat.conversation.status == ConversationStatus.HANDED_OVER
    # …or withdraw the request.
    chat.say("cancel")
    assert chat.conversation.status == ConversationStatus.OPEN


@pytest.mark.parametrize(
    ("language", "text", "crisis"),
    [
        ("en", "my husband hits me and I feel unsafe", "9-8-8"),
        ("fr", "je subis du harcèlement au travail", "9-8-8"),
    ],
)
def test_sensitive_topics_hand_off_and_give_the_crisis_lines(open_chat, language, text, crisis):
    chat = open_chat(language)
    replies = chat.say(text)
    assert crisis in replies[0] and "911" in replies[0]
    assert chat.conversation.status == ConversationStatus.HANDED_OVER
    assert chat.conversation.handover_reason == "sensitive"


def test_two_misunderstandings_in_a_row_offer_a_person(open_chat):
    chat = open_chat("en")
    chat.say("who won the hockey game last night?")
    assert chat.conversation.status == ConversationStatus.OPEN
    replies = chat.say("what is the weather in Paris")
    assert "talk to a person" in replies[0]
    assert chat.conversation.status == ConversationStatus.OPEN
    chat.say("yes please")
    assert chat.conversation.status == ConversationStatus.HANDED_OVER
    assert chat.conversation.handover_reason == "misunderstood"
    assert (
        ConversationMessage.objects.filter(
            conversation=chat.conversation, needs_review=True
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "do you help with resumes?"), ("fr", "aidez-vous avec les CV?")],
)
def test_faq_reply_is_the_knowledge_base_text(open_chat, language, question):
    chat = open_chat(language)
    assert chat.say(question) == [kb_answer(chat.agency, "resume_workshop", language)]


def test_kb_answer_in_the_agency_language_with_a_line_in_the_clients(open_chat):
    chat = open_chat("en")
    # The mentoring answer is not translated into Spanish (the fees answer is: see test_facts).
    replies = chat.say("¿Cómo funciona el programa de mentoría?")
    assert replies[0] == kb_answer(chat.agency, "mentoring_program", "en")
    assert "inglés" in replies[1] or "English" in replies[1]
    messages = ConversationMessage.objects.filter(
        conversation=chat.conversation, sender="assistant"
    )
    assert {message.language for message in messages} == {"es"}


def test_greeting_in_french(open_chat):
    chat = open_chat("fr")
    assert chat.agency.name.localize("fr") in chat.say("bonjour")[0]
    assert chat.conversation.language == "fr"


def test_clarification_choice_by_number(open_chat):
    chat = open_chat("en")
    chat.say("hello")
    conversation = chat.conversation
    conversation.state = {
        "pending": {"step": "clarify", "options": ["cost_fees", "resume_workshop"], "entities": {}}
    }
    conversation.save()
    assert chat.say("2") == [kb_answer(chat.agency, "resume_workshop", "en")]


def test_an_answer_that_does_not_fit_the_question_is_understood_afresh(open_chat, client_record):
    chat = open_chat("en")
    make_session(chat.agency, delivery_mode="online")
    chat.say("sign me up for the resume workshop")
    replies = chat.say("do you help with resumes?")
    assert replies[-1] == kb_answer(chat.agency, "resume_workshop", "en")
    assert not Registration.objects.filter(client=client_record).exists()


# ---- unidentified people ---------------------------------------------------------------------


def test_anonymous_web_visitor_can_find_sessions_but_must_sign_in_to_register(
    client, assistant_agency
):
    chat = WebChat(client, assistant_agency)
    make_session(assistant_agency, delivery_mode="online")
    assert "1. Resume workshop" in "\n".join(chat.say("when is the next resume workshop?"))
    assert "please sign in" in chat.say("1")[0]
    assert not Registration.objects.exists()


def test_unknown_phone_number_gets_faq_answers_but_no_personal_actions(client, assistant_agency):
    chat = SmsChat(client, assistant_agency, phone="+14035559876")
    assert chat.say("do you help with resumes?") == [
        kb_answer(assistant_agency, "resume_workshop", "en")
    ]
    assert "could not match this phone number" in chat.say("what am I registered for?")[0]
    assert Conversation.objects.get(address="+14035559876").client is None


def test_a_phone_shared_by_two_clients_identifies_nobody(client, assistant_agency):
    ClientFactory(agency=assistant_agency, phone="+14035550999")
    ClientFactory(agency=assistant_agency, phone="+14035550999")
    chat = SmsChat(client, assistant_agency, phone="+14035550999")
    assert "could not match" in chat.say("what am I registered for?")[0]


def test_sms_number_of_another_agencys_client_is_not_identified(
    client, assistant_agency, other_agency
):
    ClientFactory(agency=other_agency, phone="+14035550777")
    chat = SmsChat(client, assistant_agency, phone="+14035550777")
    chat.say("what am I registered for?")
    assert chat.conversation.client is None


def test_registration_in_the_past_is_not_offered(open_chat):
    chat = open_chat("en")
    session = make_session(chat.agency, delivery_mode="online")
    type(session).objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    assert "no upcoming sessions" in chat.say("when is the next resume workshop?")[0]
