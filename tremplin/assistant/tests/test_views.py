import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import member
from tremplin.assistant.models import (
    AssistantBrain,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    IntentExample,
    KnowledgeIntent,
)
from tremplin.assistant.tests.chat import SmsChat, WebChat, post_sms, sign
from tremplin.clients.models import CaseNote
from tremplin.messaging.models import OutboundMessage, OutboundStatus

pytestmark = pytest.mark.django_db


def url(name: str, agency, **kwargs) -> str:
    return reverse(f"assistant:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


# ---- web chat ---------------------------------------------------------------------------------


def test_public_chat_page_loads_htmx_only_where_the_chat_is(client, assistant_agency, client_user):
    page = client.get(url("chat", assistant_agency))
    assert page.status_code == 200
    assert b"vendor/htmx.min.js" in page.content and b'name="message"' in page.content
    client.force_login(client_user)
    home = client.get(
        reverse("agencies:client_home", kwargs={"agency_slug": assistant_agency.slug})
    )
    assert b"vendor/htmx.min.js" in home.content and b'id="assistant-chat"' in home.content
    other_page = client.get(reverse("agencies:home", kwargs={"agency_slug": assistant_agency.slug}))
    assert b"htmx" not in other_page.content


def test_chat_works_without_javascript(client, assistant_agency, client_user):
    client.force_login(client_user)
    home = reverse("agencies:client_home", kwargs={"agency_slug": assistant_agency.slug})
    response = client.post(
        url("chat", assistant_agency), {"message": "do you help with resumes?", "next": home}
    )
    assert response.status_code == 302 and response["Location"] == home + "#assistant-chat"
    page = client.get(home).content.decode()
    assert "do you help with resumes?" in page and "Resume and Cover Letter Workshop" in page
    conversation = Conversation.objects.get()
    assert conversation.client.user == client_user and conversation.channel == "web"


def test_chat_never_redirects_off_site(client, assistant_agency):
    response = client.post(
        url("chat", assistant_agency), {"message": "hello", "next": "https://evil.example/"}
    )
    assert response["Location"] == url("chat", assistant_agency) + "#assistant-chat"


def test_page_views_do_not_start_conversations(client, assistant_agency):
    client.get(url("chat", assistant_agency))
    assert not Conversation.objects.exists()


def test_output_is_escaped(client, assistant_agency):
    response = client.post(
        url("chat", assistant_agency),
        {"message": "<script>alert(1)</script>"},
        HTTP_HX_REQUEST="true",
    )
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_overlong_message_is_refused_and_nothing_is_written(client, assistant_agency):
    text = "x" * (settings.ASSISTANT_MAX_MESSAGE_CHARS + 1)
    response = client.post(url("chat", assistant_agency), {"message": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"too long" in response.content
    assert not ConversationMessage.objects.exists()


def test_web_rate_limit_per_conversation_with_a_per_ip_ceiling(client, assistant_agency, settings):
    from django.test import Client as Browser

    settings.ASSISTANT_RATE_LIMIT = 3
    settings.ASSISTANT_IP_RATE_LIMIT = 6
    chat = WebChat(client, assistant_agency)
    for _ in range(3):
        chat.say("hello")
    response = client.post(
        url("chat", assistant_agency), {"message": "hello"}, HTTP_HX_REQUEST="true"
    )
    assert b"too quickly" in response.content
    assert ConversationMessage.objects.filter(sender="client").count() == 3
    # Another person on the same computer lab's address has their own allowance…
    neighbour = Browser()
    neighbour.post(url("chat", assistant_agency), {"message": "hello"})
    assert ConversationMessage.objects.filter(sender="client").count() == 4
    # …up to the address's ceiling (every attempt from it counts).
    neighbour.post(url("chat", assistant_agency), {"message": "hello"})
    assert ConversationMessage.objects.filter(sender="client").count() == 5
    neighbour.post(url("chat", assistant_agency), {"message": "hello"})
    assert ConversationMessage.objects.filter(sender="client").count() == 5


def test_a_conversation_is_never_shown_to_another_visitor(client, assistant_agency, client_user):
    client.force_login(client_user)
    WebChat(client, assistant_agency).say("my secret question about my file")
    conversation_id = Conversation.objects.get().pk
    client.logout()
    session = client.session
    session[f"assistant_conversation_{assistant_agency.pk}"] = conversation_id
    session.save()
    assert b"my secret question" not in client.get(url("chat", assistant_agency)).content


# ---- SMS webhook ------------------------------------------------------------------------------


SMS = {
    "From": "+14035551234",
    "To": "+15877770000",
    "Body": "do you help with resumes?",
    "MessageSid": "SM1",
}


def test_unsigned_sms_is_refused_and_nothing_is_written(client, assistant_agency):
    assert post_sms(client, assistant_agency, SMS, signature="").status_code == 403
    assert (
        post_sms(
            client, assistant_agency, SMS, signature=sign("http://testserver/sms/other/", SMS)
        ).status_code
        == 403
    )
    forged = dict(SMS, Body="something else")
    assert (
        post_sms(
            client,
            assistant_agency,
            forged,
            signature=sign(f"http://testserver/sms/{assistant_agency.slug}/", SMS),
        ).status_code
        == 403
    )
    assert not Conversation.objects.exists() and not ConversationMessage.objects.exists()


def test_sms_is_refused_when_no_token_is_configured(client, assistant_agency, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    assert (
        post_sms(
            client, assistant_agency, SMS, signature=sign("http://testserver/", SMS, "")
        ).status_code
        == 403
    )


def test_sms_webhook_only_accepts_post(client, assistant_agency):
    assert (
        client.get(
            reverse("assistant_sms", kwargs={"agency_slug": assistant_agency.slug})
        ).status_code
        == 405
    )


def test_signed_sms_gets_a_twiml_answer(client, assistant_agency):
    response = post_sms(client, assistant_agency, SMS)
    assert response.status_code == 200
    assert b"<Response><Message>The Resume and Cover Letter Workshop" in response.content
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.address) == ("sms", "+14035551234")


def test_whatsapp_messages_use_the_same_webhook(client, assistant_agency):
    response = post_sms(client, assistant_agency, dict(SMS, From="whatsapp:+14035551234"))
    assert b"<Message>" in response.content
    assert Conversation.objects.get().channel == "whatsapp"


def test_sms_rate_limit_per_phone_and_length_cap(client, assistant_agency, settings):
    settings.ASSISTANT_RATE_LIMIT = 2
    chat = SmsChat(client, assistant_agency, phone="+14035551234")
    chat.say("hello")
    chat.say("hello")
    assert "too quickly" in chat.say("hello")[0]
    other = SmsChat(client, assistant_agency, phone="+14035554321")
    assert "too long" in other.say("x" * (settings.ASSISTANT_MAX_MESSAGE_CHARS + 1))[0]
    assert ConversationMessage.objects.filter(sender="client").count() == 2


def test_sms_from_an_invalid_number_is_ignored(client, assistant_agency):
    response = post_sms(client, assistant_agency, dict(SMS, From="not-a-number"))
    assert response.status_code == 200 and b"<Message>" not in response.content
    assert not Conversation.objects.exists()


# ---- staff inbox and hand-off ---------------------------------------------------------------------


@pytest.fixture
def handed_over_sms(client, assistant_agency, client_record, counsellor):
    from tremplin.clients.services import client_assign_counsellor

    client_assign_counsellor(client=client_record, counsellor=counsellor, actor=None)
    chat = SmsChat(client, assistant_agency, phone=client_record.phone)
    chat.say("I want to talk to a real person")
    client.logout()
    return chat.conversation


def test_inbox_lists_handed_over_conversations(
    client, counsellor, handed_over_sms, django_assert_max_num_queries
):
    client.force_login(counsellor)
    for show in ("waiting", "mine", "closed", "nonsense"):
        with django_assert_max_num_queries(14):
            response = client.get(url("inbox", handed_over_sms.agency), {"show": show})
        assert response.status_code == 200
    response = client.get(url("inbox", handed_over_sms.agency), {"show": "mine"})
    assert str(handed_over_sms.client).encode() in response.content


def test_staff_read_words_not_codes_in_french(client, counsellor, handed_over_sms):
    client.force_login(counsellor)
    page = url("conversation", handed_over_sms.agency, conversation_id=handed_over_sms.pk)
    text = client.get(page.replace("/en/", "/fr/", 1)).content.decode()
    assert "(SMS) · " in text and "Canal : sms" not in text
    message = handed_over_sms.messages.filter(sender="client").first()
    assert message.intent and message.intent not in text  # the intent's name, not its code
    assert not any(f"({code})" in text for code in ("answer", "clarify", "out_of_scope"))
    inbox = client.get(url("inbox", handed_over_sms.agency).replace("/en/", "/fr/", 1)).text
    assert "<td>sms</td>" not in inbox


def test_clients_cannot_open_the_inbox(client, client_user, handed_over_sms):
    client.force_login(client_user)
    assert client.get(url("inbox", handed_over_sms.agency)).status_code == 404
    assert (
        client.get(
            url("conversation", handed_over_sms.agency, conversation_id=handed_over_sms.pk)
        ).status_code
        == 404
    )


def test_staff_reply_goes_back_by_sms_through_the_outbound_adapter(
    client, counsellor, handed_over_sms, django_capture_on_commit_callbacks
):
    client.force_login(counsellor)
    page = url("conversation", handed_over_sms.agency, conversation_id=handed_over_sms.pk)
    assert client.get(page).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page, {"action": "reply", "text": "Hi, this is your counsellor. Call me at 2 pm?"}
        )
    assert response.status_code == 302
    sent = OutboundMessage.objects.get()
    assert (sent.channel, sent.to, sent.status) == (
        "sms",
        handed_over_sms.address,
        OutboundStatus.SENT,
    )
    outbox = Path(settings.MESSAGING_OUTBOX_DIR) / "sms.jsonl"
    last = json.loads(outbox.read_text(encoding="utf-8").splitlines()[-1])
    assert last["to"] == handed_over_sms.address and last["text"].startswith(
        "Hi, this is your counsellor"
    )
    assert (
        ConversationMessage.objects.filter(conversation=handed_over_sms, sender="staff").count()
        == 1
    )


def test_staff_reply_appears_in_the_web_chat(client, client_user, assistant_agency, counsellor):
    client.force_login(client_user)
    WebChat(client, assistant_agency).say("connect me to a human")
    conversation = Conversation.objects.get()
    client.force_login(counsellor)
    client.post(
        url("conversation", assistant_agency, conversation_id=conversation.pk),
        {"action": "reply", "text": "Hello Cleo, I am here."},
    )
    assert not OutboundMessage.objects.exists()
    client.force_login(client_user)
    page = client.get(
        reverse("agencies:client_home", kwargs={"agency_slug": assistant_agency.slug})
    )
    assert b"Hello Cleo, I am here." in page.content


def test_close_return_and_save_transcript_to_case_notes(
    client, counsellor, facilitator, handed_over_sms
):
    page = url("conversation", handed_over_sms.agency, conversation_id=handed_over_sms.pk)
    client.force_login(facilitator)  # facilitators answer conversations but do not write case notes
    assert client.post(page, {"action": "save_notes"}).status_code == 404
    client.force_login(counsellor)
    client.post(page, {"action": "save_notes"})
    note = CaseNote.objects.get(client=handed_over_sms.client)
    assert "I want to talk to a real person" in note.body
    client.post(page, {"action": "return"})
    handed_over_sms.refresh_from_db()
    assert handed_over_sms.status == ConversationStatus.OPEN
    client.post(page, {"action": "close"})
    handed_over_sms.refresh_from_db()
    assert handed_over_sms.status == ConversationStatus.CLOSED


def test_empty_or_unknown_staff_actions_change_nothing(client, counsellor, handed_over_sms):
    client.force_login(counsellor)
    page = url("conversation", handed_over_sms.agency, conversation_id=handed_over_sms.pk)
    assert client.post(page, {"action": "reply", "text": ""}).status_code == 200
    assert client.post(page, {}).status_code == 200
    assert not ConversationMessage.objects.filter(sender="staff").exists()


# ---- knowledge base and learning loop ------------------------------------------------------------


def test_staff_edit_intents_and_the_model_retrains(
    client, assistant_agency, agency_admin, django_capture_on_commit_callbacks
):
    client.force_login(agency_admin)
    assert client.get(url("intents", assistant_agency)).status_code == 200
    response = client.post(
        url("intents", assistant_agency), {"intent_id": "parking", "kind": "faq"}
    )
    intent = KnowledgeIntent.objects.get(agency=assistant_agency, intent_id="parking")
    assert response["Location"] == url("intent", assistant_agency, knowledge_intent_id=intent.pk)
    page = url("intent", assistant_agency, knowledge_intent_id=intent.pk)
    client.post(
        page,
        {
            "action": "set_answer",
            "answer-language": "en",
            "answer-text": "Free parking is behind the building.",
        },
    )
    examples = [
        "where can I park my car",
        "is there parking at the office",
        "parking lot near you?",
    ]
    for text in examples[:-1]:
        client.post(page, {"action": "add_example", "example-language": "en", "example-text": text})
    brain = AssistantBrain.objects.get(agency=assistant_agency)
    assert brain.trained_version < brain.kb_version  # edits are not live before the retrain
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page, {"action": "add_example", "example-language": "en", "example-text": examples[-1]}
        )
    brain.refresh_from_db()
    assert brain.trained_version == brain.kb_version
    chat = WebChat(client, assistant_agency)
    assert chat.say("where can I park my car") == ["Free parking is behind the building."]


def test_knowledge_base_pages_are_for_managers_only(client, assistant_agency, facilitator):
    client.force_login(facilitator)
    assert client.get(url("intents", assistant_agency)).status_code == 404
    assert client.get(url("unanswered", assistant_agency)).status_code == 404


def test_invalid_knowledge_base_edits_are_refused(client, assistant_agency, agency_admin):
    client.force_login(agency_admin)
    before = IntentExample.objects.count()
    intent = KnowledgeIntent.objects.get(agency=assistant_agency, intent_id="greeting")
    page = url("intent", assistant_agency, knowledge_intent_id=intent.pk)
    assert (
        client.post(
            page, {"action": "add_example", "example-language": "english!", "example-text": "hi"}
        ).status_code
        == 200
    )
    assert (
        client.post(
            page, {"action": "add_example", "example-language": "en", "example-text": "x" * 600}
        ).status_code
        == 200
    )
    response = client.post(
        url("intents", assistant_agency), {"intent_id": "greeting", "kind": "faq"}
    )
    assert b"already exists" in response.content
    assert IntentExample.objects.count() == before


def test_example_delete_needs_post_and_retrains(client, assistant_agency, agency_admin):
    client.force_login(agency_admin)
    example = IntentExample.objects.filter(agency=assistant_agency).first()
    target = url("example_delete", assistant_agency, intent_example_id=example.pk)
    assert client.get(target).status_code == 405
    client.post(target)
    assert not IntentExample.objects.filter(pk=example.pk).exists()


def test_learning_loop_groups_and_teaches_in_one_click(
    client, assistant_agency, agency_admin, django_assert_max_num_queries
):
    for browser_ip in ("10.0.0.1", "10.0.0.2"):
        client.post(
            url("chat", assistant_agency),
            {"message": "Who won the hockey game last night?"},
            REMOTE_ADDR=browser_ip,
        )
        client.cookies.clear()
    client.post(url("chat", assistant_agency), {"message": "who won the HOCKEY game last night"})
    client.force_login(agency_admin)
    with django_assert_max_num_queries(14):
        page = client.get(url("unanswered", assistant_agency))
    assert page.status_code == 200
    assert page.context["groups"][0]["count"] == 3
    group = page.context["groups"][0]["normalized_text"]
    intent = KnowledgeIntent.objects.get(agency=assistant_agency, intent_id="services_overview")
    version = AssistantBrain.objects.get(agency=assistant_agency).kb_version
    client.post(
        url("unanswered", assistant_agency),
        {"normalized_text": group, "intent": intent.pk, "action": "add"},
    )
    assert IntentExample.objects.filter(
        intent=intent, text="who won the HOCKEY game last night"
    ).exists()
    assert not ConversationMessage.objects.filter(needs_review=True).exists()
    assert AssistantBrain.objects.get(agency=assistant_agency).kb_version == version + 1


def test_learning_loop_dismiss(client, assistant_agency, agency_admin):
    client.post(url("chat", assistant_agency), {"message": "what is the weather in Paris"})
    client.force_login(agency_admin)
    group = client.get(url("unanswered", assistant_agency)).context["groups"][0]["normalized_text"]
    client.post(
        url("unanswered", assistant_agency), {"normalized_text": group, "action": "dismiss"}
    )
    assert not ConversationMessage.objects.filter(needs_review=True).exists()
    assert not IntentExample.objects.filter(text="what is the weather in Paris").exists()


def test_staff_home_tile_counts_waiting_conversations(client, counsellor, handed_over_sms):
    client.force_login(counsellor)
    page = client.get(
        reverse("agencies:staff_home", kwargs={"agency_slug": handed_over_sms.agency.slug})
    )
    assert b"1 conversation waiting for a person (1 assigned to you)" in page.content


def test_another_agencys_staff_cannot_reach_a_conversation(client, handed_over_sms, other_agency):
    outsider = member(agency=other_agency, role=Role.AGENCY_ADMIN)
    client.force_login(outsider)
    for agency in (handed_over_sms.agency, other_agency):
        assert (
            client.get(url("conversation", agency, conversation_id=handed_over_sms.pk)).status_code
            == 404
        )
