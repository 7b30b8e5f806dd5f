"""The conversation engine: every channel (web chat, SMS, WhatsApp…) calls `assistant_reply`.

The message is analysed once (`Understanding.analyse`: language, embedding, intent,
entities, risk) and goes through these steps:
1. a sensitive topic (violence, self-harm, crisis, exploitation, immigration emergency, in any
   language, by keyword or by meaning) gives the crisis lines of the agency's province and
   hands the conversation to a person at once, flagged urgent;
2. if the assistant asked a question, the message is read as the answer to it (the flows
   declared in `actions.STEPS`, run by `dialogue.run_step`); a new request is served instead;
3. otherwise the model's decision: `answer` replies from the knowledge base (faq) or performs
   the action (`actions.ACTIONS`); `clarify` offers the best task intents (never small talk)
   as numbered choices; `out_of_scope` explains what the assistant can do, and the second
   misunderstanding in a row offers a person.

Replies are in the client's language (the latest informative message, or an explicit
request): the assistant's own sentences through its catalogs (16 languages), knowledge-base
answers in that language when the knowledge base has them, else in the agency's default
language with one line saying so. Facts come from the database; nothing is invented.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from tremplin.agencies.models import Agency
from tremplin.assistant.actions import (
    ACTION_LABELS,
    ACTIONS,
    ACTIONS_WITH_DATES,
    FAQ_FOLLOW_UPS,
    NUMBER_PROMPT,
    STEPS,
    UNSUPPORTED_ACTION,
    YES_NO,
    negates_cancelling,
    numbered,
)
from tremplin.assistant.brain import understanding_for
from tremplin.assistant.dialogue import SOCIAL_INTENTS, Choose, Confirm, Step, run_step
from tremplin.assistant.models import (
    Conversation,
    ConversationStatus,
    IntentAnswer,
    KnowledgeIntent,
    Sender,
)
from tremplin.assistant.nlu.engine import Analysis
from tremplin.assistant.nlu.entities import extract_date_range
from tremplin.assistant.nlu.reading import fold
from tremplin.assistant.opening import opening_sentences
from tremplin.assistant.services import conversation_message_add, conversation_reopen
from tremplin.assistant.turn import (
    HANDED_OVER_REMOTE,
    HANDED_OVER_WEB,
    REPLY_LANGUAGES,
    Turn,
    crisis_lines,
    date_text,
    reply_language_for,
    requested_language,
    serialise_entities,
)
from tremplin.ops.edge import strip_control_characters

__all__ = ["HANDED_OVER_REMOTE", "HANDED_OVER_WEB", "assistant_reply", "knowledge_languages"]

MISUNDERSTANDINGS_BEFORE_OFFER = 2

# What we tell people to type to reach a person: answered without asking the model.
PERSON_WORDS = frozenset(
    fold(word)
    for word in (
        "person",
        "a person",
        "personne",
        "une personne",
        "human",
        "humain",
        "agent",
        "persona",
        "pessoa",
        "شخص",
        "人工",
        "ਵਿਅਕਤੀ",
        "tao",
        "людина",
        "व्यक्ति",
        "상담원",
        "nhân viên",
        "qof",
        "ሰብ",
    )
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
OFFER_PERSON = _("I am sorry, I still do not understand. Would you like to talk to a person?")
NO_PERSON = _("All right. Ask me in other words, and I will do my best.")
CRISIS_LINES = _(
    "If you are in danger right now, call 911. If you are thinking about suicide, call or text "
    "9-8-8 (Suicide Crisis Helpline, free, 24 hours a day)."
)
CRISIS_PROVINCE = _("Where you live, you can also call: %(lines)s")
ANSWER_IN_OTHER_LANGUAGE = _(
    "This information is only available in %(language)s for now; a person can explain it in "
    "your language: type “person”."
)
LANGUAGE_SWITCHED = _("All right, I will answer in %(language)s from now on.")
REQUEST_WITHDRAWN = _("All right, I have withdrawn your request for a person. How can I help?")


def knowledge_languages(agency: Agency) -> set[str]:
    return set(
        IntentAnswer.objects.filter(agency=agency).values_list("language", flat=True).distinct()
    )


OUR_LOCATIONS = _("Our locations:")


def _locations_from_database(turn: Turn) -> bool:
    """The agency's own addresses (the database), never another agency's free text."""
    from tremplin.agencies.models import Location, LocationKind

    places = [
        f"{place.name} — {', '.join(part for part in (place.address, place.city) if part)}"
        for place in Location.objects.filter(agency=turn.agency)
        .exclude(kind=LocationKind.ONLINE)
        .exclude(address="")
        .order_by("id")[:10]
    ]
    if places:
        turn.say(OUR_LOCATIONS, "\n".join(places))
    return bool(places)


def _hours_from_database(turn: Turn) -> bool:
    """Opening days and hours from the agency's facts, and whether it is open now."""
    hours = turn.opening_hours
    if hours is not None:
        turn.say(*opening_sentences(hours, turn.now()))
    return hours is not None


# FAQ intents whose facts the database holds: answered from it when it has them.
DATABASE_FACTS = {"locations": _locations_from_database, "office_hours": _hours_from_database}


def faq_answer(turn: Turn, intent: KnowledgeIntent) -> None:
    """The knowledge base's answer in the client's language, else in the agency's language
    with one line (in the client's language) saying so; facts the database holds come from it."""
    from_database = DATABASE_FACTS.get(intent.intent_id)
    if from_database is not None and from_database(turn):
        return
    answers = {answer.language: answer.text for answer in intent.answers.all()}
    if text := answers.get(turn.language):
        turn.say(text)
        return
    fallback = turn.agency.default_language if turn.agency.default_language in answers else None
    fallback = fallback or next(iter(answers), None)
    if fallback is None:
        turn.say(DID_NOT_UNDERSTAND)
        return
    turn.say(answers[fallback])
    if turn.language != fallback:
        turn.say(ANSWER_IN_OTHER_LANGUAGE % {"language": REPLY_LANGUAGES.get(fallback, fallback)})


FIRST_CLAUSE = re.compile(r"^(.{12,70}?)[:.;,。：，؛،।።፦]")
LABEL_CHARS = 60


def intent_label(agency: Agency, intent_id: str, language: str) -> str:
    """How a choice between intents is shown: the action's name, or a FAQ's first example in
    the client's language, else the opening words of its answer in that language (so a
    Spanish speaker is not offered English questions), else an example in the agency's."""
    if intent_id in ACTION_LABELS:
        return str(ACTION_LABELS[intent_id])
    intent = KnowledgeIntent.objects.filter(agency=agency, intent_id=intent_id).first()
    if intent is None:
        return intent_id
    examples = list(intent.examples.order_by("id").values_list("language", "text"))
    in_language = [text for example_language, text in examples if example_language == language]
    if in_language:
        return in_language[0]
    answer = intent.answers.filter(language=language).values_list("text", flat=True).first()
    if answer:
        clause = FIRST_CLAUSE.match(answer)
        return f"{clause.group(1) if clause else answer[:LABEL_CHARS].rsplit(' ', 1)[0]}…"
    for example_language, text in examples:
        if example_language == agency.default_language:
            return text
    return examples[0][1] if examples else intent_id


def perform(turn: Turn, intent_id: str, entities: dict[str, Any]) -> None:
    """Answer a FAQ from the knowledge base, or carry out an action."""
    turn.state["misses"] = 0
    intent = (
        KnowledgeIntent.objects.filter(agency=turn.agency, intent_id=intent_id)
        .prefetch_related("answers")
        .first()
    )
    if intent is None:
        turn.say(DID_NOT_UNDERSTAND)
    elif intent.kind == "faq":
        faq_answer(turn, intent)
        if follow_up := FAQ_FOLLOW_UPS.get(intent_id):
            follow_up(turn)  # what the records hold now, after the general answer
    elif intent_id in ACTIONS:
        if entities.get("date_choices") and intent_id in ACTIONS_WITH_DATES:
            _ask_date(turn, intent_id, entities)
        else:
            ACTIONS[intent_id](turn, entities)
    else:
        turn.say(UNSUPPORTED_ACTION)


# ---- an ambiguous date ("next Tuesday" said on a Monday) -------------------------------------

WHICH_DAY = _("Which day do you mean?")
TOMORROW = _("tomorrow")


def _day_label(turn: Turn, start: datetime) -> str:
    day = start.date()
    label = f"{WEEKDAYS[day.weekday()]} {date_text(day)}"
    if day == turn.now().date() + timedelta(days=1):
        label += f" ({TOMORROW})"
    return label


def _ask_date(turn: Turn, intent_id: str, entities: dict[str, Any]) -> None:
    """Both days the client may mean, as options; the action runs once they choose."""
    choices = entities["date_choices"]
    kept = {key: value for key, value in entities.items() if key != "date_choices"}
    turn.ask(
        {"step": "choose_date", "intent": intent_id, "entities": kept, "choices": choices},
        WHICH_DAY,
        numbered([_day_label(turn, datetime.fromisoformat(start)) for start, _end in choices]),
        NUMBER_PROMPT,
    )


def _date_by_text(turn: Turn, pending: dict[str, Any]) -> int | None:
    """ "tomorrow", "the one next week", "le 8 décembre": the option that date names."""
    named = extract_date_range(turn.text, turn.now())
    if named is None:
        return None
    matching = [
        number
        for number, (start, _end) in enumerate(pending["choices"], start=1)
        if named[0] <= datetime.fromisoformat(start) < named[1]
    ]
    return matching[0] if len(matching) == 1 else None


def _date_chosen(turn: Turn, pending: dict[str, Any], choice: int) -> None:
    turn.from_choice = True
    entities = {**pending["entities"], "date_range": pending["choices"][choice - 1]}
    perform(turn, pending["intent"], entities)


# ---- clarifying, and offering a person --------------------------------------------------------


def _clarify_by_text(turn: Turn, pending: dict[str, Any]) -> int | None:
    typed = fold(turn.text)
    labels = [
        fold(intent_label(turn.agency, option, turn.language)) for option in pending["options"]
    ]
    return next((index + 1 for index, label in enumerate(labels) if typed == label), None)


def _clarified(turn: Turn, pending: dict[str, Any], choice: int) -> None:
    turn.from_choice = True
    perform(turn, pending["options"][choice - 1], pending.get("entities", {}))


def _offer_person_question(turn: Turn, pending: dict[str, Any]) -> list[object]:
    return [OFFER_PERSON, YES_NO]


ENGINE_STEPS: dict[str, Step] = {
    "clarify": Choose(
        count=lambda turn, pending: len(pending["options"]),
        chosen=_clarified,
        by_text=_clarify_by_text,
        yes_means_first=True,
    ),
    "offer_person": Confirm(
        question=_offer_person_question,
        on_yes=lambda turn, pending: turn.hand_over("misunderstood"),
        refused=NO_PERSON,
    ),
    "choose_date": Choose(
        count=lambda turn, pending: len(pending["choices"]),
        chosen=_date_chosen,
        by_text=_date_by_text,
    ),
}
ALL_STEPS: dict[str, Step] = {**STEPS, **ENGINE_STEPS}


def _missed(turn: Turn) -> None:
    """One more misunderstanding: the second in a row offers a person."""
    misses = int(turn.state.get("misses", 0)) + 1
    turn.state["misses"] = misses
    if misses >= MISUNDERSTANDINGS_BEFORE_OFFER:
        turn.state["misses"] = 0
        turn.ask({"step": "offer_person"}, OFFER_PERSON, YES_NO)
    else:
        turn.say(DID_NOT_UNDERSTAND)


def _understand(turn: Turn) -> None:
    prediction = turn.prediction
    if prediction is None:
        turn.say(NOT_READY)
        return
    turn.understood = prediction
    entities = serialise_entities(prediction.entities)
    if prediction.decision == "out_of_scope" or prediction.intent is None:
        _missed(turn)
        return
    if prediction.decision == "clarify":
        options = [
            intent_id
            for intent_id, _score in prediction.alternatives[:2]
            if intent_id not in SOCIAL_INTENTS
        ]
        if negates_cancelling(turn.text):  # "I don't want to cancel, just…": never offered
            options = [intent_id for intent_id in options if intent_id != "cancel_registration"]
        if not options:
            _missed(turn)
            return
        if len(options) == 1:
            # Unsure only against small talk or what the client said they do not want: the
            # one task it can be is done (every write still asks for a clear yes first).
            perform(turn, options[0], entities)
            return
        labels = [intent_label(turn.agency, intent_id, turn.language) for intent_id in options]
        # Not an answer yet: the misses are kept, so a second misunderstanding offers a person.
        turn.ask(
            {"step": "clarify", "options": options, "entities": entities},
            CLARIFY % {"first": labels[0], "second": labels[1]},
        )
        return
    perform(turn, prediction.intent, entities)


def _crisis(turn: Turn) -> None:
    turn.say(CRISIS_LINES)
    if line := crisis_lines().get(turn.agency.province):
        turn.say(CRISIS_PROVINCE % {"lines": line})
    turn.hand_over("sensitive", urgent=True)


# What a client waiting for a person types to withdraw the request (the hand-off message
# tells them to type "cancel", translated).
WITHDRAW_WORDS = frozenset(
    fold(word)
    for word in (
        "cancel",
        "cancel request",
        "cancel the request",
        "annuler",
        "annule",
        "annulez",
        "cancelar",
        "cancela",
        "إلغاء",
        "الغاء",
        "لغو",
        "取消",
        "취소",
        "hủy",
        "huy",
        "kanselahin",
        "скасувати",
        "скасуйте",
        "रद्द",
        "रद्द करें",
        "ਰੱਦ",
        "ਰੱਦ ਕਰੋ",
        "منسوخ",
        "منسوخ کریں",
        "jooji",
        "ሰርዝ",
    )
)


def _withdraws(text: str) -> bool:
    return fold(text) in WITHDRAW_WORDS


def _respond(turn: Turn, waiting: bool) -> None:
    if turn.analysis is not None and turn.analysis.sensitive:
        _crisis(turn)
        return
    if waiting and _withdraws(turn.text):
        conversation_reopen(conversation=turn.conversation)
        turn.say(REQUEST_WITHDRAWN)
        return
    pending = turn.state.pop("pending", None)
    if pending and run_step(turn, ALL_STEPS, pending):
        return
    if fold(turn.text).strip(" .!?") in PERSON_WORDS:
        turn.hand_over("requested")
        return
    if requested_language(turn.text) and not (
        turn.prediction is not None and turn.prediction.decision == "answer"
    ):  # "can you answer in english?": nothing else to do
        turn.say(LANGUAGE_SWITCHED % {"language": REPLY_LANGUAGES[turn.language]})
        return
    _understand(turn)


def analyse(agency: Agency, text: str) -> Analysis | None:
    understanding = understanding_for(agency=agency)
    if understanding is None:
        return None
    return understanding.analyse(text, tz=agency.time_zone)


def assistant_reply(*, agency: Agency, conversation: Conversation, text: str) -> list[str]:
    """Record the client's message, answer it, record and return the replies."""
    # Every channel cleans its input at the edge; this is the one place they all pass through.
    text = " ".join(strip_control_characters(text).split())[: settings.ASSISTANT_MAX_MESSAGE_CHARS]
    if not text:
        return []
    understanding = understanding_for(agency=agency)
    # The model runs outside the transaction: no lock is held while it thinks.
    analysis = understanding.analyse(text, tz=agency.time_zone) if understanding else None
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == ConversationStatus.CLOSED:
            conversation.status = ConversationStatus.OPEN
        waiting = conversation.status == ConversationStatus.HANDED_OVER
        language = reply_language_for(agency=agency, conversation=conversation, analysis=analysis)
        turn = Turn(
            agency=agency,
            conversation=conversation,
            text=text,
            analysis=analysis,
            understanding=understanding,
            language=language,
        )
        with translation.override(language):
            _respond(turn, waiting)
        understood = turn.understood
        prediction = analysis.prediction if analysis else None
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
        conversation.save(update_fields=["state", "status", "language", "updated_at"])
    return turn.replies
