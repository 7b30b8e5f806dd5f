"""Fixtures of the assistant's tests: one model trained per test process, chats over each channel."""

import pytest
from django.core.cache import cache

from tremplin.assistant.tests.chat import TWILIO_TOKEN, Chat, SmsChat, WebChat
from tremplin.assistant.tests.factories import install_trained_knowledge_base
from tremplin.clients.models import Client


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_token(settings):
    cache.clear()  # rate-limit counters live in the cache
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN


@pytest.fixture
def assistant_agency(agency):
    """`agency` with the repository's knowledge base and the trained model."""
    return install_trained_knowledge_base(agency)


@pytest.fixture(params=["web", "sms"])
def channel(request) -> str:
    return request.param


@pytest.fixture
def client_record(client_user, agency) -> Client:
    return Client.objects.get(agency=agency, user=client_user)


@pytest.fixture
def open_chat(channel, client, client_user, client_record, assistant_agency):
    """A chat with the signed-in client (web) or from the client's phone (SMS)."""

    def start(language: str = "en") -> Chat:
        if channel == "web":
            client.force_login(client_user)
            return WebChat(client, assistant_agency, language=language)
        return SmsChat(client, assistant_agency, language=language, phone=client_record.phone)

    return start
