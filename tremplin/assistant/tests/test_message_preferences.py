"""Choosing which kinds of messages arrive on which channel, by asking the assistant: the same
service as the client's "My messages" page (messaging.services.preference_set), after a yes."""

import pytest

from tremplin.audit.models import AuditEvent
from tremplin.messaging.selectors import preference_matrix
from tremplin.messaging.services import notify
from tremplin.messaging.tests.helpers import consent

pytestmark = pytest.mark.django_db


def test_stop_sending_me_reminders_by_sms_turns_off_that_pair_only(open_chat, client_record):
    chat = open_chat()
    question = chat.say("stop sending me reminders by SMS")
    assert "stop sending you session reminders by Text message (SMS)?" in question[0]
    done = chat.say("yes")
    assert done == ["Done: you will no longer receive session reminders by Text message (SMS)."]
    matrix = preference_matrix(client=client_record)
    assert matrix["reminders"] == {"email": True, "sms": False, "whatsapp": True}
    assert matrix["surveys"]["sms"] is True
    assert AuditEvent.objects.filter(action="messaging.preference").count() == 1


def test_in_french_by_texto_with_a_french_confirmation(open_chat, client_record):
    chat = open_chat("fr")
    question = chat.say("je ne veux plus de rappels par texto")
    assert question[0].startswith("Voulez-vous que je cesse de vous envoyer les rappels de séance")
    done = chat.say("oui")
    assert done[0].startswith("C'est fait : vous ne recevrez plus les rappels de séance")
    assert preference_matrix(client=client_record)["reminders"]["sms"] is False


def test_send_me_reminders_on_whatsapp_moves_them_there(open_chat, client_record):
    consent(client_record, "sms", "whatsapp", "email")
    chat = open_chat()
    assert "session reminders by WhatsApp only?" in chat.say("send me reminders on WhatsApp")[0]
    assert chat.say("yes") == ["Done: you will receive session reminders by WhatsApp."]
    assert preference_matrix(client=client_record)["reminders"] == {
        "email": False,
        "sms": False,
        "whatsapp": True,
    }
    [reminder] = notify(message_type="session_reminder_1h", client=client_record)
    assert reminder.channel == "whatsapp"


def test_a_channel_we_cannot_use_is_said_and_the_others_stay_on(open_chat, client_record):
    consent(client_record, "sms")  # no WhatsApp consent
    chat = open_chat()
    chat.say("send me reminders on WhatsApp")
    replies = chat.say("yes")
    assert "We cannot use WhatsApp for you yet" in replies[1]
    assert preference_matrix(client=client_record)["reminders"]["sms"] is True  # never nowhere


def test_no_changes_nothing(open_chat, client_record):
    chat = open_chat()
    chat.say("no more survey emails please")
    assert chat.say("no") == ["All right, nothing changed."]
    assert all(preference_matrix(client=client_record)["surveys"].values())
