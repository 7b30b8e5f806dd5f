"""Demo: every demo agency gets its own knowledge base (kb/agencies/<slug>.yaml: its facts and
answers on top of the shared intents of kb/intents.yaml), a trained assistant and one
conversation waiting in its staff inbox."""

import functools
from pathlib import Path

from django.db import transaction
from django.utils import translation

from tremplin.agencies.models import Agency
from tremplin.assistant.brain import brain_train
from tremplin.assistant.engine import HANDED_OVER_REMOTE
from tremplin.assistant.models import Conversation, KnowledgeIntent, Sender
from tremplin.assistant.nlu.kb import Facts, load_knowledge_base
from tremplin.assistant.services import (
    conversation_hand_over,
    conversation_message_add,
    conversation_start,
    knowledge_base_import,
)
from tremplin.clients.models import Client
from tremplin.core.demodata import DemoNetwork

AGENCY_KNOWLEDGE_BASES = Path(__file__).with_name("kb") / "agencies"


def knowledge_base_file(agency: Agency) -> Path:
    return AGENCY_KNOWLEDGE_BASES / f"{agency.slug}.yaml"


def demo_opening_hours(agency: Agency) -> Facts | None:
    """The opening days the demo agency's knowledge base states (the programs demo puts the
    sessions held in its offices on those days)."""
    path = knowledge_base_file(agency)
    if not path.is_file():
        return None
    return load_knowledge_base(path.read_text(encoding="utf-8"), source=str(path)).facts


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
    for agency in demo.agencies.values():
        path = knowledge_base_file(agency)
        if not KnowledgeIntent.objects.filter(agency=agency).exists():  # keep what staff changed
            kb = load_knowledge_base(path.read_text(encoding="utf-8"), source=str(path))
            knowledge_base_import(agency=agency, kb=kb, actor=None)
        _waiting_conversation(agency)
        # Train once the rows are committed, so the chat answers as soon as the demo starts;
        # a run that never commits (the test suite's) skips the cost. No-op when up to date.
        transaction.on_commit(functools.partial(brain_train, agency=agency))
