"""The conversation engine: every channel (web chat, SMS, WhatsApp…) calls `assistant_reply`.

One message goes through these steps:
1. a sensitive topic (violence, abuse, suicide…) hands the conversation to a person at once and
   gives the crisis lines;
2. if the assistant asked a question (which session? in person or online? confirm?), the
   message is read as the answer to it (`actions.STEPS`); a message that does not answer it
   is understood afresh;
3. otherwise the model's decision: `answer` replies from the knowledge base (faq) or performs
   the action (`actions.ACTIONS`); `clarify` offers the two best intents as numbered choices;
   `out_of_scope` explains what the assistant can do, and the second misunderstanding in a
   row hands the conversation to a person.

Replies are in the language of the message when the knowledge base has answers in it, else
in the agency's default language. FAQ replies are the knowledge base's own text; facts about
sessions, registrations and courses come from the database through the same selectors and
services the web pages use. Nothing is invented.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tremplin.agencies.models import Agency
from tremplin.assistant.brain import understanding_for
from tremplin.assistant.models import (
    Conversation,
    ConversationStatus,
    IntentAnswer,
    KnowledgeIntent,
    Sender,
)
from tremplin.assistant.nlu.engine import Prediction
from tremplin.assistant.nlu.normalize import fold_accents
from tremplin.assistant.services import conversation_hand_over, conversation_message_add
from tremplin.clients.models import Client

MISUNDERSTANDINGS_BEFORE_HANDOFF = 2

# Words that mean a person may be at risk: never left to the model. Matched on lowercase,
# accent-free text at the start of a word ("harcel" matches harcèlement, harcelé…).
SENSITIVE_STEMS = (
    # English
    "suicid",
    "kill myself",
    "end my life",
    "self harm",
    "self-harm",
    "hurt myself",
    "abuse",
    "abusive",
    "violence",
    "violent",
    "assault",
    "rape",
    "raped",
    "harass",
    "threaten",
    "emergency",
    "unsafe",
    "in danger",
    "trafficking",
    "beaten",
    "beats me",
    "hits me",
    # French
    "me tuer",
    "en finir",
    "mettre fin a mes jours",
    "me faire du mal",
    "abus",
    "maltrait",
    "agress",
    "viol",
    "harcel",
    "menace",
    "urgence",
    "en danger",
    "traite de personnes",
    "me frappe",
    "battu",
)
_SENSITIVE = re.compile(r"\b(?:" + "|".join(re.escape(stem) for stem in SENSITIVE_STEMS) + ")")

# What we tell people to type to reach a person: answered without asking the model.
PERSON_WORDS = frozenset(
    {"person", "a person", "personne", "une personne", "human", "humain", "agent"}
)

NOT_READY = _(
    "The assistant is not ready yet. Please try again later, or contact the agency directly."
)
DID_NOT_UNDERSTAND = _(
    "Sorry, I did not understand. I can answer questions about our services, find upcoming "
    "sessions, register you or cancel a registration, show your registrations and course progress, "
    "and suggest programs. You can rephrase, or type “person” to talk to a member of our team."
)
CLARIFY = _(
    "I am not sure I understood. Did you mean:\n1. %(first)s\n2. %(second)s\nType 1 or 2, or rephrase."
)
HANDED_OVER_WEB = _(
    "I am passing this conversation to a member of our team. They will answer you here as soon as they can."
)
HANDED_OVER_REMOTE = _(
    "I am passing this conversation to a member of our team. They will reply to this number as soon as they can."
)
CRISIS_LINES = _(
    "If you are in danger right now, call 911. If you are thinking about suicide, call or text "
    "9-8-8 (Suicide Crisis Helpline, free, 24 hours a day)."
)


def fold(text: str) -> str:
    return " ".join(fold_accents(text.lower()).replace("’", "'").split())


def is_sensitive(text: str) -> bool:
    return bool(_SENSITIVE.search(fold(text)))


def serialise_entities(entities: dict[str, Any]) -> dict[str, Any]:
    """Entities as JSON for the conversation state (dates as ISO strings)."""
    found: dict[str, Any] = {key: entities[key] for key in ("topic", "mode") if entities.get(key)}
    if date_range := entities.get("date_range"):
        found["date_range"] = [moment.isoformat() for moment in date_range]
    return found


def date_range_of(entities: dict[str, Any]) -> tuple[datetime, datetime] | tuple[None, None]:
    if found := entities.get("date_range"):
        return datetime.fromisoformat(found[0]), datetime.fromisoformat(found[1])
    return None, None


@dataclass
class Turn:
    """One client message being answered: what the steps and actions read and write."""

    agency: Agency
    conversation: Conversation
    text: str
    prediction: Prediction | None
    language: str
    replies: list[str] = field(default_factory=list)
    understood: Prediction | None = None  # set when the model's decision was used (learning loop)

    @property
    def state(self) -> dict[str, Any]:
        return self.conversation.state

    @property
    def client(self) -> Client | None:
        return self.conversation.client

    @property
    def is_web(self) -> bool:
        return self.conversation.channel == "web"

    def say(self, *texts: object) -> None:
        self.replies.extend(str(text) for text in texts)

    def ask(self, pending: dict[str, Any], *texts: object) -> None:
        """Say something that expects an answer; the next message is read as that answer first."""
        self.state["pending"] = pending
        self.say(*texts)

    def hand_over(self, reason: str) -> None:
        conversation_hand_over(conversation=self.conversation, reason=reason)
        self.say(HANDED_OVER_WEB if self.is_web else HANDED_OVER_REMOTE)


def knowledge_languages(agency: Agency) -> set[str]:
    return set(
        IntentAnswer.objects.filter(agency=agency).values_list("language", flat=True).distinct()
    )


def reply_language(
    agency: Agency, conversation: Conversation, text: str, prediction: Prediction | None
) -> str:
    """The message's language when the knowledge base has answers in it, else the agency's default.

    Answers to a question ("1", "oui") keep the conversation's language: they are too short to tell.
    """
    if prediction is None or "pending" in conversation.state or not re.search(r"[^\W\d_]{2}", text):
        return conversation.language or agency.default_language
    if prediction.language in knowledge_languages(agency):
        return prediction.language
    return agency.default_language


def faq_answer(agency: Agency, intent: KnowledgeIntent, language: str) -> str:
    answers = {answer.language: answer.text for answer in intent.answers.all()}
    return (
        answers.get(language)
        or answers.get(agency.default_language)
        or next(iter(answers.values()), "")
    )


def intent_label(agency: Agency, intent_id: str, language: str) -> str:
    """How a choice between intents is shown: the action's name, or a FAQ's first example."""
    from tremplin.assistant.actions import ACTION_LABELS

    if intent_id in ACTION_LABELS:
        return str(ACTION_LABELS[intent_id])
    intent = KnowledgeIntent.objects.filter(agency=agency, intent_id=intent_id).first()
    if intent is None:
        return intent_id
    examples = list(intent.examples.order_by("id").values_list("language", "text"))
    for wanted in (language, agency.default_language):
        for example_language, text in examples:
            if example_language == wanted:
                return text
    return examples[0][1] if examples else intent_id


def perform(turn: Turn, intent_id: str, entities: dict[str, Any]) -> None:
    """Answer a FAQ from the knowledge base, or carry out an action."""
    from tremplin.assistant.actions import ACTIONS, UNSUPPORTED_ACTION

    intent = (
        KnowledgeIntent.objects.filter(agency=turn.agency, intent_id=intent_id)
        .prefetch_related("answers")
        .first()
    )
    if intent is None:
        turn.say(DID_NOT_UNDERSTAND)
    elif intent.kind == "faq":
        turn.say(faq_answer(turn.agency, intent, turn.language))
    elif intent_id in ACTIONS:
        ACTIONS[intent_id](turn, entities)
    else:
        turn.say(UNSUPPORTED_ACTION)


def _understand(turn: Turn) -> None:
    prediction = turn.prediction
    if prediction is None:
        turn.say(NOT_READY)
        return
    turn.understood = prediction
    entities = serialise_entities(prediction.entities)
    if prediction.decision == "out_of_scope" or prediction.intent is None:
        misses = turn.state.get("misses", 0) + 1
        turn.state["misses"] = misses
        if misses >= MISUNDERSTANDINGS_BEFORE_HANDOFF:
            turn.hand_over("misunderstood")
        else:
            turn.say(DID_NOT_UNDERSTAND)
        return
    turn.state["misses"] = 0
    if prediction.decision == "clarify" and len(prediction.alternatives) > 1:
        options = [intent_id for intent_id, _score in prediction.alternatives[:2]]
        labels = [intent_label(turn.agency, intent_id, turn.language) for intent_id in options]
        turn.ask(
            {"step": "clarify", "options": options, "entities": entities},
            CLARIFY % {"first": labels[0], "second": labels[1]},
        )
        return
    perform(turn, prediction.intent, entities)


def _respond(turn: Turn) -> None:
    from tremplin.assistant.actions import STEPS

    if is_sensitive(turn.text):
        turn.say(CRISIS_LINES)
        turn.hand_over("sensitive")
        return
    pending = turn.state.pop("pending", None)
    if pending and STEPS[pending["step"]](turn, pending):
        return
    if fold(turn.text).strip(" .!?") in PERSON_WORDS:
        turn.hand_over("requested")
        return
    _understand(turn)


def assistant_reply(*, agency: Agency, conversation: Conversation, text: str) -> list[str]:
    """Record the client's message, answer it, record and return the replies (possibly none:
    a conversation waiting for a person gets no automatic answer)."""
    text = " ".join(text.split())[: settings.ASSISTANT_MAX_MESSAGE_CHARS]
    if not text:
        return []
    understanding = understanding_for(agency=agency)
    # The model runs outside the transaction: no lock is held while it thinks.
    prediction = (
        understanding.predict(text, tz=agency.time_zone) if understanding is not None else None
    )
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == ConversationStatus.HANDED_OVER:
            conversation_message_add(conversation=conversation, sender=Sender.CLIENT, text=text)
            conversation.save(update_fields=["updated_at"])
            return []
        conversation.status = ConversationStatus.OPEN
        language = reply_language(agency, conversation, text, prediction)
        turn = Turn(
            agency=agency,
            conversation=conversation,
            text=text,
            prediction=prediction,
            language=language,
        )
        with translation.override(language):
            _respond(turn)
        understood = turn.understood
        conversation_message_add(
            conversation=conversation,
            sender=Sender.CLIENT,
            text=text,
            language=prediction.language if prediction else "",
            intent=(understood.intent or "") if understood else "",
            confidence=understood.confidence if understood else None,
            decision=understood.decision if understood else "",
        )
        for reply in turn.replies:
            conversation_message_add(
                conversation=conversation, sender=Sender.ASSISTANT, text=reply, language=language
            )
        conversation.language = language
        # hand_over() saved status and state already; keep them and store the rest.
        if conversation.status != ConversationStatus.HANDED_OVER:
            conversation.save(update_fields=["state", "status", "language", "updated_at"])
        else:
            conversation.save(update_fields=["language", "updated_at"])
    return turn.replies
