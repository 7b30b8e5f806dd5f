"""Reads of the assistant: conversations for their client or the staff inbox, the knowledge base."""

from django.db.models import Case, Count, Max, Q, QuerySet, Value, When
from django.http import Http404

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.assistant.models import (
    AgencyFacts,
    AssistantBrain,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    IntentExample,
    KnowledgeIntent,
)
from tremplin.clients.models import Client

TRANSCRIPT_SHOWN = 40


def conversation_get_for_visitor(
    *, agency: Agency, conversation_id: int | None, client: Client | None
) -> Conversation | None:
    """The web conversation of this visitor: the one remembered in their browser session, or
    for a signed-in client their latest one (so a staff reply reaches them after signing in again).

    A conversation started by an identified client is never shown to anyone else.
    """
    conversations = Conversation.objects.filter(agency=agency, channel="web").exclude(
        status=ConversationStatus.CLOSED
    )
    conversation = conversations.filter(pk=conversation_id).first() if conversation_id else None
    if conversation is None and client is not None:
        conversation = conversations.filter(client=client).order_by("-updated_at", "-id").first()
    if conversation is None or (
        conversation.client_id is not None and conversation.client_id != getattr(client, "pk", None)
    ):
        return None
    return conversation


def conversation_find_for_address(
    *, agency: Agency, channel: str, address: str
) -> Conversation | None:
    return (
        Conversation.objects.filter(agency=agency, channel=channel, address=address)
        .exclude(status=ConversationStatus.CLOSED)
        .order_by("-updated_at", "-id")
        .first()
    )


def client_for_phone(*, agency: Agency, phone: str) -> Client | None:
    """The one client of the agency whose phone is this E.164 number; None if none or several.

    The clients app keeps phones in E.164 form but has no "verified" flag yet: matching exactly
    one client is what identifies the sender.
    """
    matches = list(Client.objects.filter(agency=agency, phone=phone)[:2])
    return matches[0] if len(matches) == 1 else None


def conversation_transcript_messages(
    *, conversation: Conversation | None, limit: int = TRANSCRIPT_SHOWN
) -> list[ConversationMessage]:
    if conversation is None:
        return []
    newest = list(
        conversation.messages.select_related("staff_user").order_by("-created_at", "-id")[:limit]
    )
    return newest[::-1]


def conversation_list_inbox(*, agency: Agency, user: User, show: str) -> QuerySet[Conversation]:
    """Conversations handed to people: "mine" (assigned to me), "waiting" (all), "triage"
    (waiting, assigned to nobody), "closed"; urgent (sensitive) ones first."""
    conversations = Conversation.objects.filter(agency=agency).select_related(
        "client", "assigned_to"
    )
    if show == "closed":
        conversations = conversations.filter(
            status=ConversationStatus.CLOSED, handover_reason__gt=""
        )
    else:
        conversations = conversations.filter(status=ConversationStatus.HANDED_OVER)
        if show == "mine":
            conversations = conversations.filter(assigned_to=user)
        elif show == "triage":  # unknown numbers, clients without a counsellor: the agency's queue
            conversations = conversations.filter(assigned_to__isnull=True)
    urgent_first = Case(When(handover_reason="sensitive", then=Value(0)), default=Value(1))
    return conversations.annotate(message_count=Count("messages")).order_by(
        urgent_first, "-updated_at", "-id"
    )


def inbox_waiting_count(*, agency: Agency, user: User) -> dict[str, int]:
    return Conversation.objects.filter(
        agency=agency, status=ConversationStatus.HANDED_OVER
    ).aggregate(waiting=Count("id"), mine=Count("id", filter=Q(assigned_to=user)))


def conversation_get_for_staff(*, agency: Agency, conversation_id: int) -> Conversation:
    conversation = (
        Conversation.objects.filter(agency=agency, pk=conversation_id)
        .select_related("client", "assigned_to")
        .first()
    )
    if conversation is None:
        raise Http404
    return conversation


def intent_list_for_agency(*, agency: Agency) -> QuerySet[KnowledgeIntent]:
    return (
        KnowledgeIntent.objects.filter(agency=agency)
        .annotate(
            example_count=Count("examples", distinct=True),
            answer_count=Count("answers", distinct=True),
        )
        .order_by("kind", "intent_id")
    )


def intent_get_for_agency(*, agency: Agency, knowledge_intent_id: int) -> KnowledgeIntent:
    intent = KnowledgeIntent.objects.filter(agency=agency, pk=knowledge_intent_id).first()
    if intent is None:
        raise Http404
    return intent


def intent_example_get_for_agency(*, agency: Agency, intent_example_id: int) -> IntentExample:
    example = (
        IntentExample.objects.filter(agency=agency, pk=intent_example_id)
        .select_related("intent")
        .first()
    )
    if example is None:
        raise Http404
    return example


def agency_facts_get(*, agency: Agency) -> AgencyFacts | None:
    """The agency's opening days, hours and contact facts (its knowledge base's `facts`)."""
    return AgencyFacts.objects.filter(agency=agency).first()


def brain_status(*, agency: Agency) -> AssistantBrain | None:
    return AssistantBrain.objects.filter(agency=agency).defer("model_data").first()


def unanswered_groups(*, agency: Agency, limit: int = 50) -> list[dict]:
    """Messages the assistant did not understand or was unsure of, grouped by normalised text,
    most frequent first: {normalized_text, count, last_at, sample, guess}."""
    return list(
        ConversationMessage.objects.filter(agency=agency, needs_review=True)
        .values("normalized_text")
        .annotate(
            count=Count("id"), last_at=Max("created_at"), sample=Max("text"), guess=Max("intent")
        )
        .order_by("-count", "-last_at")[:limit]
    )
