"""Talking to the assistant in tests, over the web chat (htmx POST) or a signed Twilio webhook."""

import uuid
from xml.etree import ElementTree

from django.urls import reverse
from django.utils.html import escape, strip_tags
from twilio.request_validator import RequestValidator

from tremplin.assistant.models import Conversation, ConversationMessage, Sender

TWILIO_TOKEN = "test-twilio-token"


class Chat:
    """One person talking to the assistant; `say` returns the assistant's replies."""

    channel = ""

    def __init__(self, browser, agency, *, language: str = "en", phone: str = "") -> None:
        self.browser, self.agency, self.language, self.phone = browser, agency, language, phone

    def say(self, text: str) -> list[str]:
        raise NotImplementedError

    @property
    def conversation(self) -> Conversation:
        return Conversation.objects.filter(agency=self.agency, channel=self.channel).latest("id")

    def conversation_exists(self) -> bool:
        return Conversation.objects.filter(agency=self.agency, channel=self.channel).exists()

    def transcript(self) -> str:
        return "\n".join(
            m.text for m in ConversationMessage.objects.filter(conversation=self.conversation)
        )


class WebChat(Chat):
    channel = "web"

    def say(self, text: str) -> list[str]:
        last = ConversationMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
        url = reverse("assistant:chat", kwargs={"agency_slug": self.agency.slug}).replace(
            "/en/", f"/{self.language}/", 1
        )
        response = self.browser.post(url, {"message": text}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        replies = list(
            ConversationMessage.objects.filter(
                id__gt=last, sender__in=(Sender.ASSISTANT, Sender.STAFF)
            )
            .order_by("id")
            .values_list("text", flat=True)
        )
        html = response.content.decode()
        for reply in replies:
            # Addresses and links in a reply are rendered as links: compare the text.
            first = reply.splitlines()[0]
            assert escape(first) in html or escape(first) in strip_tags(html)
        return replies


def sign(url: str, params: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def post_sms(browser, agency, params: dict[str, str], *, signature: str | None = None):
    path = reverse("assistant_sms", kwargs={"agency_slug": agency.slug})
    if signature is None:
        signature = sign(f"http://testserver{path}", params)
    return browser.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


class SmsChat(Chat):
    channel = "sms"

    def say(self, text: str) -> list[str]:
        params = {
            "From": self.phone,
            "To": "+15877770000",
            "Body": text,
            # Each message is its own delivery: a repeated MessageSid is a replay, ignored.
            "MessageSid": f"SM{uuid.uuid4().hex}",
        }
        response = post_sms(self.browser, self.agency, params)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xml")
        messages = [
            message.text or ""
            for message in ElementTree.fromstring(response.content).iter("Message")
        ]
        assert len(messages) <= 1  # all replies in one text message
        return messages[0].split("\n\n") if messages else []
