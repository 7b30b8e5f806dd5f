"""Writes of the assistant: the knowledge base, conversations, hand-off and the learning loop."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.assistant.brain import brain_of
from tremplin.assistant.models import (
    AgencyFacts,
    AssistantBrain,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    IntentAnswer,
    IntentExample,
    IntentKind,
    KnowledgeIntent,
    Sender,
)
from tremplin.assistant.nlu.kb import KnowledgeBase
from tremplin.assistant.nlu.normalize import fold_accents
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")  # ISO 639-1 (or -3 when there is no two-letter code)
INTENT_ID = re.compile(r"^[a-z][a-z0-9_]{1,79}$")
MAX_EXAMPLE_CHARS = 500
MAX_ANSWER_CHARS = 4000
NORMALIZED_CHARS = 300
# A client who wrote this recently is waiting for the staff reply (see conversation_staff_reply).
STAFF_REPLY_WAITING = timedelta(hours=1)


def normalize_for_grouping(text: str) -> str:
    """Lowercase, no accents, no punctuation, single spaces: "Où est l'atelier ?" ~ "ou est l atelier"."""
    folded = fold_accents(text.lower())
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())[:NORMALIZED_CHARS]


def _knowledge_base_changed(agency: Agency) -> None:
    """Bump the version and retrain once the change is committed."""
    from tremplin.assistant.tasks import assistant_retrain

    brain_of(agency)
    AssistantBrain.objects.filter(agency=agency).update(kb_version=F("kb_version") + 1)
    transaction.on_commit(lambda: assistant_retrain(agency.pk))


def _check_language(language: str) -> None:
    if not LANGUAGE_CODE.match(language):
        raise ValidationError(_("Give the language as its two-letter code, such as en or fr."))


@transaction.atomic
def knowledge_base_import(
    *, agency: Agency, kb: KnowledgeBase, actor: User | None
) -> list[KnowledgeIntent]:
    """Replace the agency's intents, examples and answers with a validated knowledge base."""
    KnowledgeIntent.objects.filter(agency=agency).delete()
    intents = KnowledgeIntent.objects.bulk_create(
        KnowledgeIntent(agency=agency, intent_id=intent.id, kind=intent.kind)
        for intent in kb.intents
    )
    IntentExample.objects.bulk_create(
        IntentExample(agency=agency, intent=row, language=language, text=text[:MAX_EXAMPLE_CHARS])
        for row, intent in zip(intents, kb.intents, strict=True)
        for language, texts in intent.examples.items()
        for text in texts
    )
    IntentAnswer.objects.bulk_create(
        IntentAnswer(agency=agency, intent=row, language=language, text=text)
        for row, intent in zip(intents, kb.intents, strict=True)
        for language, text in intent.answers.items()
    )
    # The facts are data the answers are computed from; a file without facts leaves the
    # answers to its own text.
    if kb.facts is None:
        AgencyFacts.objects.filter(agency=agency).delete()
    else:
        AgencyFacts.objects.update_or_create(
            agency=agency,
            defaults={
                "phone": kb.facts.phone,
                "email": kb.facts.email,
                "opening_days": list(kb.facts.opening_days),
                "opens": kb.facts.opens,
                "closes": kb.facts.closes,
                "holidays": list(kb.facts.holidays),
            },
        )
    _knowledge_base_changed(agency)
    audit_log(
        agency=agency, actor=actor, action="knowledge_base.import", detail={"intents": len(intents)}
    )
    return intents


@transaction.atomic
def intent_create(
    *, agency: Agency, intent_id: str, kind: str, actor: User | None
) -> KnowledgeIntent:
    if not INTENT_ID.match(intent_id):
        raise ValidationError(
            _("Use lowercase letters, digits and underscores, starting with a letter.")
        )
    if kind not in IntentKind.values:
        raise ValidationError(_("Choose a kind."))
    if KnowledgeIntent.objects.filter(agency=agency, intent_id=intent_id).exists():
        raise ValidationError(_("An intent with this id already exists."))
    intent = KnowledgeIntent.objects.create(agency=agency, intent_id=intent_id, kind=kind)
    audit_log(agency=agency, actor=actor, action="intent.create", obj=intent)
    return intent


@transaction.atomic
def intent_delete(*, intent: KnowledgeIntent, actor: User | None) -> None:
    agency = intent.agency
    audit_log(agency=agency, actor=actor, action="intent.delete", obj=intent)
    intent.delete()
    _knowledge_base_changed(agency)


@transaction.atomic
def intent_example_create(
    *, intent: KnowledgeIntent, language: str, text: str, actor: User | None
) -> IntentExample:
    _check_language(language)
    text = " ".join(text.split())
    if not text or len(text) > MAX_EXAMPLE_CHARS:
        raise ValidationError(
            _("An example has between 1 and %(max)d characters.") % {"max": MAX_EXAMPLE_CHARS}
        )
    example = IntentExample.objects.create(
        agency=intent.agency, intent=intent, language=language, text=text
    )
    _knowledge_base_changed(intent.agency)
    audit_log(agency=intent.agency, actor=actor, action="intent_example.create", obj=example)
    return example


@transaction.atomic
def intent_example_delete(*, example: IntentExample, actor: User | None) -> None:
    audit_log(agency=example.agency, actor=actor, action="intent_example.delete", obj=example)
    example.delete()
    _knowledge_base_changed(example.agency)


@transaction.atomic
def intent_answer_set(
    *, intent: KnowledgeIntent, language: str, text: str, actor: User | None
) -> IntentAnswer | None:
    """Set the answer in one language; an empty text removes that language's answer."""
    _check_language(language)
    text = text.strip()
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationError(
            _("An answer has at most %(max)d characters.") % {"max": MAX_ANSWER_CHARS}
        )
    if not text:
        IntentAnswer.objects.filter(intent=intent, language=language).delete()
        audit_log(
            agency=intent.agency,
            actor=actor,
            action="intent_answer.delete",
            obj=intent,
            detail={"language": language},
        )
        return None
    answer, _created = IntentAnswer.objects.update_or_create(
        intent=intent, language=language, defaults={"agency": intent.agency, "text": text}
    )
    # Answers are not learned from: no retrain needed, the next reply reads the new text.
    audit_log(
        agency=intent.agency,
        actor=actor,
        action="intent_answer.set",
        obj=answer,
        detail={"language": language},
    )
    return answer


# Conversations -------------------------------------------------------------------------------


@transaction.atomic
def conversation_start(
    *, agency: Agency, channel: str, language: str, client: Client | None = None, address: str = ""
) -> Conversation:
    return Conversation.objects.create(
        agency=agency, channel=channel, language=language, client=client, address=address
    )


@transaction.atomic
def conversation_identify(*, conversation: Conversation, client: Client) -> Conversation:
    """Attach the client once they are known (signed in after starting to chat)."""
    conversation.client = client
    conversation.save(update_fields=["client", "updated_at"])
    return conversation


@transaction.atomic
def conversation_message_add(
    *,
    conversation: Conversation,
    sender: str,
    text: str,
    language: str = "",
    intent: str = "",
    confidence: float | None = None,
    decision: str = "",
    staff_user: User | None = None,
) -> ConversationMessage:
    needs_review = sender == Sender.CLIENT and decision in ("out_of_scope", "clarify")
    return ConversationMessage.objects.create(
        agency=conversation.agency,
        conversation=conversation,
        sender=sender,
        staff_user=staff_user,
        text=text,
        language=language,
        intent=intent,
        confidence=confidence,
        decision=decision,
        normalized_text=normalize_for_grouping(text) if needs_review else "",
        needs_review=needs_review,
    )


@transaction.atomic
def conversation_hand_over(*, conversation: Conversation, reason: str) -> Conversation:
    """Send the conversation to the staff inbox, to the client's own counsellor when there is one."""
    conversation.status = ConversationStatus.HANDED_OVER
    conversation.handover_reason = reason
    client = conversation.client
    if client is not None and conversation.assigned_to_id is None:
        conversation.assigned_to_id = client.counsellor_id
    conversation.state = {}
    conversation.save(
        update_fields=["status", "handover_reason", "assigned_to", "state", "updated_at"]
    )
    audit_log(
        agency=conversation.agency,
        actor=None,
        action="conversation.hand_over",
        obj=conversation,
        client_id=client.pk if client is not None else None,
        detail={"reason": reason},
    )
    return conversation


@transaction.atomic
def conversation_reopen(*, conversation: Conversation) -> Conversation:
    """The client withdrew the request for a person: back with the assistant."""
    conversation.status = ConversationStatus.OPEN
    conversation.handover_reason = ""
    conversation.save(update_fields=["status", "handover_reason", "updated_at"])
    audit_log(
        agency=conversation.agency,
        actor=None,
        action="conversation.withdraw_hand_over",
        obj=conversation,
        client_id=conversation.client_id,
    )
    return conversation


@transaction.atomic
def conversation_staff_reply(
    *, conversation: Conversation, staff_user: User, text: str
) -> ConversationMessage:
    """A person's answer: shown in the web chat, and sent back by SMS or WhatsApp through the
    messaging service ("staff reply": the number they wrote from first, then their own
    channels; consent, quiet hours, the outbox and its status history)."""
    from tremplin.messaging.models import Channel, OutboundStatus
    from tremplin.messaging.services import MessageNotAllowed, ReplyTo, notify

    text = text.strip()
    message = conversation_message_add(
        conversation=conversation,
        sender=Sender.STAFF,
        text=text,
        language=conversation.language,
        staff_user=staff_user,
    )
    if conversation.channel in (Channel.SMS, Channel.WHATSAPP):
        # Urgent (not held by quiet hours) when the person wrote within the last hour — they
        # are in the conversation, waiting for this answer — or after a crisis hand-off; a
        # reply to an older message waits for 08:00 in their time zone like any other text.
        last_asked = (
            conversation.messages.filter(sender=Sender.CLIENT)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        urgent = conversation.handover_reason == "sensitive" or (
            last_asked is not None and timezone.now() - last_asked < STAFF_REPLY_WAITING
        )
        [outbound] = notify(
            message_type="staff_reply",
            client=conversation.client,
            agency=conversation.agency,
            context={"text": text},
            reply_to=ReplyTo(conversation.channel, conversation.address),
            urgent=urgent,
            actor=staff_user,
        )
        if outbound.status == OutboundStatus.SKIPPED:  # nothing recorded: staff choose another way
            raise MessageNotAllowed(
                str(_("This person has withdrawn their consent to be contacted on this channel."))
            )
    if conversation.assigned_to_id is None:
        conversation.assigned_to = staff_user
    conversation.save(update_fields=["assigned_to", "updated_at"])
    audit_log(
        agency=conversation.agency,
        actor=staff_user,
        action="conversation.reply",
        obj=conversation,
        client_id=conversation.client_id,
    )
    return message


@transaction.atomic
def conversation_set_status(
    *, conversation: Conversation, status: str, actor: User
) -> Conversation:
    """Close the conversation, or give it back to the assistant."""
    conversation.status = status
    conversation.state = {}
    conversation.save(update_fields=["status", "state", "updated_at"])
    audit_log(
        agency=conversation.agency,
        actor=actor,
        action=f"conversation.{status}",
        obj=conversation,
        client_id=conversation.client_id,
    )
    return conversation


def conversation_transcript(*, conversation: Conversation) -> str:
    lines = []
    for message in conversation.messages.select_related("staff_user").order_by("created_at", "id"):
        who = (
            message.staff_user.get_full_name()
            if message.staff_user
            else message.get_sender_display()
        )
        lines.append(f"[{message.created_at:%Y-%m-%d %H:%M}] {who}: {message.text}")
    return "\n".join(lines)


@transaction.atomic
def conversation_save_to_case_notes(*, conversation: Conversation, actor: User):
    """Copy the transcript into the client's case notes (the clients app's own service)."""
    from tremplin.clients.services import case_note_create

    if conversation.client is None:
        raise ValidationError(_("This conversation is not linked to a client."))
    note = case_note_create(
        client=conversation.client,
        author=actor,
        body=str(_("Assistant conversation transcript"))
        + "\n\n"
        + conversation_transcript(conversation=conversation),
    )
    audit_log(
        agency=conversation.agency,
        actor=actor,
        action="conversation.save_to_case_notes",
        obj=conversation,
        client_id=conversation.client_id,
    )
    return note


# Learning loop -------------------------------------------------------------------------------


@transaction.atomic
def unanswered_add_as_example(
    *, agency: Agency, normalized_text: str, intent: KnowledgeIntent, actor: User | None
) -> IntentExample | None:
    """Teach the assistant: the latest message of the group becomes an example of `intent`."""
    messages = ConversationMessage.objects.filter(
        agency=agency, needs_review=True, normalized_text=normalized_text
    )
    latest = messages.order_by("-created_at", "-id").first()
    if latest is None:
        return None
    example = intent_example_create(
        intent=intent,
        language=latest.language or agency.default_language,
        text=latest.text,
        actor=actor,
    )
    messages.update(needs_review=False)
    return example


@transaction.atomic
def unanswered_dismiss(*, agency: Agency, normalized_text: str, actor: User | None) -> int:
    dismissed = ConversationMessage.objects.filter(
        agency=agency, needs_review=True, normalized_text=normalized_text
    ).update(needs_review=False)
    audit_log(
        agency=agency, actor=actor, action="unanswered.dismiss", detail={"messages": dismissed}
    )
    return dismissed
