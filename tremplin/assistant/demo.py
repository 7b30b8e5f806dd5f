"""Demo: every demo agency gets the repository's knowledge base, a trained assistant and one
conversation waiting in its staff inbox."""

import functools
from pathlib import Path

from django.db import transaction
from django.utils import translation

from tremplin.agencies.models import Agency
from tremplin.assistant.brain import brain_train
from tremplin.assistant.engine import HANDED_OVER_REMOTE
from tremplin.assistant.models import Conversation, KnowledgeIntent, Sender
from tremplin.assistant.nlu.kb import load_knowledge_base
from tremplin.assistant.services import (
    conversation_hand_over,
    conversation_message_add,
    conversation_start,
    knowledge_base_import,
)
from tremplin.clients.models import Client
from tremplin.core.demodata import DemoNetwork

KNOWLEDGE_BASE = Path(__file__).with_name("kb") / "pnec-knowledge-base.yaml"

HANDED_OVER_QUESTION = {
    "en": "My engineering degree is from Nigeria. Can someone look at my file with me?",
    "fr": "Mon diplôme d'ingénieur vient du Sénégal. Est-ce que quelqu'un peut regarder mon dossier avec moi?",
}


def _waiting_conversation(agency: Agency) -> None:
    if Conversation.objects.filter(agency=agency).exists():
        return
    client = Client.objects.filter(agency=agency).exclude(phone="").order_by("id").first()
    if client is None:
        return
    language = agency.default_language
    conversation = conversation_start(
        agency=agency, channel="sms", language=language, client=client, address=client.phone
    )
    conversation_message_add(
        conversation=conversation,
        sender=Sender.CLIENT,
        text=HANDED_OVER_QUESTION[language],
        language=language,
    )
    conversation_message_add(
        conversation=conversation,
        sender=Sender.CLIENT,
        text="person",
        language=language,
        intent="talk_to_human",
        decision="answer",
    )
    with translation.override(language):
        conversation_message_add(
            conversation=conversation,
            sender=Sender.ASSISTANT,
            text=str(HANDED_OVER_REMOTE),
            language=language,
        )
    conversation_hand_over(conversation=conversation, reason="requested")


def load(demo: DemoNetwork) -> None:
    kb = load_knowledge_base(KNOWLEDGE_BASE.read_text(encoding="utf-8"), source=str(KNOWLEDGE_BASE))
    for agency in demo.agencies.values():
        if not KnowledgeIntent.objects.filter(agency=agency).exists():  # keep what staff changed
            knowledge_base_import(agency=agency, kb=kb, actor=None)
        _waiting_conversation(agency)
        # Train once the rows are committed, so the chat answers as soon as the demo starts;
        # a run that never commits (the test suite's) skips the cost. No-op when up to date.
        transaction.on_commit(functools.partial(brain_train, agency=agency))
