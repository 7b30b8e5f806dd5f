"""Round 2 of the assistant: confirmations that never act on a guess, crisis messages in any
language, replies in the client's language, slot filling that keeps what the client said."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from i18nfield.strings import LazyI18nString

from tremplin.assistant.engine import assistant_reply
from tremplin.assistant.models import ConversationStatus
from tremplin.assistant.nlu.entities import extract_date_range, extract_mode
from tremplin.assistant.nlu.reading import has_negation
from tremplin.assistant.tests.factories import make_session
from tremplin.clients.tests.factories import ClientFactory
from tremplin.programs.models import Registration
from tremplin.programs.services import registration_create

# Replies that are not a clear yes, in several languages (written for this test).
NOT_YES = [
    "ok actually no",
    "no",
    "nope",
    "not now",
    "maybe later",
    "hmm",
    "I don't know",
    "cancel my networking circle",
    "what time does it start?",
    "wait",
    "2",
    "3",
    "no sé",
    "tal vez mañana",
    "je sais pas",
    "non merci",
    "peut-être",
    "لا",
    "ربما",
    "لا أعرف",
    "نه",
    "شاید",
    "不要",
    "也许吧",
    "不知道",
    "ਨਹੀਂ",
    "ਸ਼ਾਇਦ",
    "hindi po",
    "baka",
    "ні",
    "можливо",
    "아니요",
    "글쎄요",
    "không",
    "có lẽ",
    "maya",
    "malaha",
    "nahi",
    "शायद",
    "نہیں",
    "شاید",
    "talvez",
    "não sei",
    "ኣይፋል",
    "ምናልባት",
]


def _confirming(chat, session):
    conversation = chat.conversation
    conversation.state = {
        "pending": {"step": "confirm_register", "session": session.pk, "mode": "online"}
    }
    conversation.save(update_fields=["state"])
    return conversation


@pytest.mark.parametrize("channel", ["web"])
def test_a_confirmation_answered_without_a_clear_yes_never_writes(open_chat, client_record):
    chat = open_chat("en")
    session = make_session(chat.agency, delivery_mode="online")
    chat.say("hello")
    agency = chat.agency

    phrases = st.one_of(
        st.sampled_from(NOT_YES),
        st.tuples(st.sampled_from(NOT_YES), st.sampled_from(NOT_YES)).map(" ".join),
    )

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.one_of(
            phrases.map(lambda text: (text, True)),
            st.text(min_size=1, max_size=40).map(lambda text: (text, False)),
        )
    )
    def check(case: tuple[str, bool]) -> None:
        reply, never_yes = case
        Registration.objects.filter(client=client_record).delete()
        conversation = _confirming(chat, session)
        assistant_reply(agency=agency, conversation=conversation, text=reply)
        wrote = Registration.objects.filter(client=client_record).exists()
        if never_yes:
            assert not wrote, reply
        elif wrote:  # random text: only ever a short message that reads as a plain yes
            assert not has_negation(reply) and len(reply.split()) <= 3, reply

    check()


@pytest.mark.parametrize("channel", ["sms"])
def test_a_clear_yes_in_any_language_registers(open_chat, client_record):
    chat = open_chat("en")
    session = make_session(chat.agency, delivery_mode="online")
    chat.say("hello")
    for reply in ("yes", "oui", "sí", "نعم", "是的", "ਹਾਂ ਜੀ", "بله", "haa", "так"):
        Registration.objects.filter(client=client_record).delete()
        _confirming(chat, session)
        chat.say(reply)
        assert Registration.objects.filter(client=client_record, session=session).exists(), reply


@pytest.mark.parametrize("channel", ["web"])
def test_an_unclear_answer_is_asked_again_then_given_up(open_chat, client_record):
    chat = open_chat("en")
    session = make_session(chat.agency, delivery_mode="online")
    chat.say("hello")
    _confirming(chat, session)
    replies = chat.say("hmm")
    assert "not done anything" in replies[0]
    assert chat.conversation.state["pending"]["step"] == "confirm_register"
    chat.say("hmm")
    assert "pending" not in chat.conversation.state
    assert not Registration.objects.filter(client=client_record).exists()


# Disclosures written for this test (none is in the crisis data): 12 languages.
DISCLOSURES = [
    ("en", "my partner keeps hurting me and I'm afraid to go home"),
    ("fr", "mon copain me bat quand il a bu"),
    ("es", "mi pareja me amenaza con matarme"),
    ("ar", "زوجي يضربني كل يوم وأنا خائفة"),
    ("zh", "我丈夫打我，我很害怕回家"),
    ("pa", "ਮੇਰਾ ਪਤੀ ਮੈਨੂੰ ਹਰ ਰੋਜ਼ ਕੁੱਟਦਾ ਹੈ"),
    ("fa", "همسرم مرا کتک می‌زند و می‌ترسم"),
    ("uk", "мені погрожують і я боюся за своє життя"),
    ("hi", "मैं अपनी जान लेना चाहती हूँ"),
    ("ko", "요즘 죽고 싶다는 생각이 들어요"),
    ("vi", "chồng tôi đánh tôi mỗi ngày"),
    ("tl", "binubugbog ako ng partner ko gabi-gabi"),
]


@pytest.mark.parametrize("channel", ["web"])
def test_a_disclosure_in_any_language_gets_crisis_lines_and_an_urgent_person(open_chat):
    chat = open_chat("en")
    for language, text in DISCLOSURES:
        conversation = chat.conversation if chat.conversation_exists() else None
        if conversation is not None:  # back with the assistant for the next message
            conversation.status, conversation.state = ConversationStatus.OPEN, {}
            conversation.save(update_fields=["status", "state"])
        replies = chat.say(text)
        assert "911" in replies[0] and "9-8-8" in replies[0], (language, replies)
        assert any("310-1818" in reply for reply in replies)  # the agency's province (Alberta)
        conversation = chat.conversation
        assert conversation.status == ConversationStatus.HANDED_OVER, language
        assert conversation.handover_reason == "sensitive"
        assert conversation.language == language, (language, text)


@pytest.mark.parametrize("channel", ["web"])
def test_a_full_mode_is_answered_with_the_other_modes_free_seats(open_chat, client_record):
    chat = open_chat("en")
    session = make_session(chat.agency, delivery_mode="hybrid", in_person=1, online=11)
    registration_create(
        session=session, client=ClientFactory(agency=chat.agency), mode="in_person", actor=None
    )
    replies = "\n".join(chat.say("register me for the resume workshop in person"))
    assert "in person is full" in replies.lower()
    assert "online still has 11 free seats" in replies
    chat.say("online")
    assert chat.conversation.state["pending"]["mode"] == "online"
    chat.say("yes")
    assert Registration.objects.get(client=client_record).mode == "online"


@pytest.mark.parametrize("channel", ["web"])
def test_filters_are_kept_when_nothing_matches_and_lists_page(open_chat):
    chat = open_chat("en")
    for days in range(3, 10):
        make_session(
            chat.agency,
            title=LazyI18nString({"en": f"Online session {days}"}),
            delivery_mode="online",
            days=days,
        )
    make_session(
        chat.agency, title=LazyI18nString({"en": "Room session"}), delivery_mode="in_person"
    )
    replies = "\n".join(chat.say("when are the next online sessions on march 3?"))
    assert "Room session" not in replies  # the mode is kept
    assert "Online session 3" in replies and "more" in replies
    more = "\n".join(chat.say("more"))
    assert "Online session 9" in more and "Online session 3" not in more


def test_next_weekday_is_read_the_way_the_language_means_it():
    monday = datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("America/Edmonton"))
    english = extract_date_range("next tuesday", monday)
    french = extract_date_range("mardi prochain", monday)
    assert english is not None and english[0].day == 8  # the Tuesday of next week
    assert french is not None and french[0].day == 1  # the first Tuesday to come
    assert extract_mode("en línea por favor") == "online"
    assert extract_mode("онлайн") == "online"
    assert extract_mode("حضوری") == "in_person"


@pytest.mark.parametrize("channel", ["web"])
def test_reply_language_follows_the_latest_message_and_explicit_requests(open_chat):
    chat = open_chat("en")
    assert chat.say("bonjour")[0].startswith("Bonjour")
    chat.say("sorry, can you answer in english?")
    assert chat.conversation.language == "en"
    replies = chat.say("¿qué servicios ofrecen para encontrar trabajo?")
    assert chat.conversation.language == "en"  # the explicit request holds
    assert replies
    assert timezone.now()


def test_unknown_numbers_wait_in_triage_and_urgent_ones_come_first(
    client, assistant_agency, counsellor
):
    from tremplin.assistant.selectors import conversation_list_inbox
    from tremplin.assistant.tests.chat import SmsChat

    SmsChat(client, assistant_agency, phone="+14035550001").say("I want to talk to a person")
    SmsChat(client, assistant_agency, phone="+14035550002").say("my husband hits me")
    triage = list(conversation_list_inbox(agency=assistant_agency, user=counsellor, show="triage"))
    assert [c.address for c in triage] == ["+14035550002", "+14035550001"]
    assert all(c.assigned_to_id is None for c in triage)


@pytest.mark.parametrize("channel", ["web"])
def test_where_are_you_is_answered_from_the_agencys_own_locations(open_chat):
    from tremplin.agencies.tests.factories import LocationFactory

    chat = open_chat("fr")
    LocationFactory(agency=chat.agency, address="140 rue Main", city="Moncton")
    replies = chat.say("Où êtes-vous situés ?")
    assert replies[0] == "Nos bureaux :"
    assert "140 rue Main, Moncton" in replies[1] and "Calgary" not in "\n".join(replies)
