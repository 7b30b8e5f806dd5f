"""One client message being answered (`Turn`), and the language the assistant answers in.

Shared by the dialogue runner (`engine`) and the actions (`actions`); imports neither, so the
two no longer import each other.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.utils import dateformat, timezone, translation
from django.utils.formats import date_format, get_format_modules
from django.utils.translation import gettext_lazy as _

from tremplin.agencies.models import Agency
from tremplin.assistant.models import Conversation
from tremplin.assistant.nlu.engine import Analysis, Prediction, Understanding
from tremplin.assistant.nlu.reading import fold
from tremplin.assistant.opening import OpeningHours, opening_sentences
from tremplin.assistant.selectors import agency_facts_get
from tremplin.assistant.services import conversation_hand_over
from tremplin.clients.models import Client

# The languages the assistant's own sentences are translated into (its catalogs in
# tremplin/assistant/locale/<code>/); a message in another language is answered in the
# conversation's language.
REPLY_LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "zh": "中文",
    "pa": "ਪੰਜਾਬੀ",
    "tl": "Tagalog",
    "fa": "فارسی",
    "uk": "Українська",
    "hi": "हिन्दी",
    "ur": "اردو",
    "pt": "Português",
    "ko": "한국어",
    "vi": "Tiếng Việt",
    "so": "Soomaali",
    "ti": "ትግርኛ",
}
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he"})
# Names clients use for a language when they ask for it ("in english", "en español", "بالعربية").
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "english",
        "anglais",
        "ingles",
        "inglês",
        "الإنجليزية",
        "انگلیسی",
        "英语",
        "영어",
        "tiếng anh",
        "англійською",
        "ingles po",
    ),
    "fr": (
        "french",
        "francais",
        "français",
        "frances",
        "francés",
        "الفرنسية",
        "فرانسوی",
        "法语",
        "불어",
        "프랑스어",
        "tiếng pháp",
        "французькою",
    ),
    "es": ("spanish", "espagnol", "espanol", "español", "castellano", "espanhol"),
    "ar": ("arabic", "arabe", "árabe", "عربي", "العربية", "بالعربي", "بالعربية"),
    "zh": ("chinese", "chinois", "mandarin", "中文", "汉语", "普通话"),
    "pa": ("punjabi", "panjabi", "pendjabi", "ਪੰਜਾਬੀ"),
    "tl": ("tagalog", "filipino", "wikang tagalog"),
    "fa": ("farsi", "persian", "persan", "فارسی", "پارسی"),
    "uk": ("ukrainian", "ukrainien", "українською", "українська"),
    "hi": ("hindi", "हिंदी", "हिन्दी"),
    "ur": ("urdu", "ourdou", "اردو"),
    "pt": ("portuguese", "portugais", "portugues", "português"),
    "ko": ("korean", "coreen", "coréen", "한국어"),
    "vi": ("vietnamese", "vietnamien", "tiếng việt", "tieng viet"),
    "so": ("somali", "somalien", "soomaali", "af soomaali"),
    "ti": ("tigrinya", "tigrigna", "ትግርኛ"),
}
MAX_LANGUAGE_REQUEST_WORDS = 8
MAX_BARE_LANGUAGE_WORDS = 3  # "english please", "en español", "بالعربية"
# Words of a request to change language ("answer", "speak", "write"… in the reply languages).
LANGUAGE_REQUEST_WORDS = (
    "answer",
    "reply",
    "respond",
    "speak",
    "write",
    "talk",
    "switch",
    "repond",
    "parle",
    "ecri",
    "responde",
    "habla",
    "hable",
    "escrib",
    "fala",
    "fale",
    "escreva",
    "أجب",
    "اجب",
    "تكلم",
    "تحدث",
    "اكتب",
    "رد ",
    "جواب",
    "صحبت",
    "بنویس",
    "回答",
    "回复",
    "说",
    "讲",
    "답",
    "말해",
    "tra loi",
    "noi",
    "sagot",
    "magsalita",
    "відповіда",
    "говор",
    "пиш",
    "जवाब",
    "बोल",
    "ਜਵਾਬ",
    "ਬੋਲ",
    "بول",
    "jawaab",
    "ku hadal",
    "ku jawaab",
    "ምለስ",
    "ተዛረብ",
)

CRISIS_LINES_PATH = Path(__file__).with_name("data") / "crisis-lines.yaml"

HANDED_OVER_WEB = _(
    "I am passing this conversation to a member of our team. They will answer you here as soon as they can."
)
HANDED_OVER_REMOTE = _(
    "I am passing this conversation to a member of our team. They will reply to this number as soon as they can."
)
HANDED_OVER_URGENT = _("I have marked your conversation as urgent for our team.")
HANDOFF_KEEP_TALKING = _(
    "Meanwhile you can keep writing to me. To withdraw your request for a person, type “cancel”."
)
OFFICE_HOURS_INTRO = _("When our team answers:")


@cache
def crisis_lines() -> dict[str, str]:
    data = yaml.safe_load(CRISIS_LINES_PATH.read_text(encoding="utf-8"))
    return {str(key): str(value) for key, value in data.items()}


def requested_language(text: str) -> str | None:
    """The language a short message asks for ("can you answer in english?", "en español")."""
    folded = fold(text)
    words = len(folded.split())
    if words > MAX_LANGUAGE_REQUEST_WORDS:
        return None
    if words > MAX_BARE_LANGUAGE_WORDS and not any(
        marker in folded for marker in LANGUAGE_REQUEST_WORDS
    ):
        return None
    for code, names in LANGUAGE_NAMES.items():
        for name in names:
            if re.search(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)", folded):
                return code
    return None


def _informative(text: str) -> bool:
    """Long enough to tell its language: two words, or a script that names one language."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return False
    if any(ord(char) > 0x2E80 for char in letters):  # Han, Hangul, Ethiopic... (one language)
        return True
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2 or len(letters) >= 6


def reply_language_for(
    *, agency: Agency, conversation: Conversation, analysis: Analysis | None
) -> str:
    """An explicit request first, then the language of an informative message, else the
    conversation's language (answers such as "1", "ok" are too short to tell)."""
    asked = conversation.state.get("asked_language")
    current = conversation.language or agency.default_language
    if analysis is None:
        return asked or current
    if requested := requested_language(analysis.text):
        conversation.state["asked_language"] = requested
        return requested
    if asked:
        return asked
    if analysis.language in REPLY_LANGUAGES and _informative(analysis.text):
        return analysis.language
    return current if current in REPLY_LANGUAGES else agency.default_language


# Reply languages Django has no date formats for would get English month names ("Dec. 4,
# 2026, 2:14 a.m."): they get numbers instead, in the order their readers expect.
NUMERIC_DATES = {"zh": ("Y年n月j日", "Y年n月j日 H:i")}
ISO_DATES = ("Y-m-d", "Y-m-d H:i")


def date_text(value: date | datetime) -> str:
    """A date (or a local date and time) in the active reply language."""
    with_time = isinstance(value, datetime)
    language = translation.get_language() or "en"
    if language in NUMERIC_DATES or not get_format_modules(language):
        numeric = NUMERIC_DATES.get(language, ISO_DATES)[with_time]
        return dateformat.format(value, numeric)
    return date_format(value, "DATETIME_FORMAT" if with_time else "DATE_FORMAT")


def serialise_entities(entities: dict[str, Any]) -> dict[str, Any]:
    """Entities as JSON for the conversation state (dates as ISO strings)."""
    found: dict[str, Any] = {key: entities[key] for key in ("topic", "mode") if entities.get(key)}
    if date_range := entities.get("date_range"):
        found["date_range"] = [moment.isoformat() for moment in date_range]
    if choices := entities.get("date_choices"):
        found["date_choices"] = [[moment.isoformat() for moment in choice] for choice in choices]
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
    analysis: Analysis | None
    understanding: Understanding | None
    language: str
    replies: list[str] = field(default_factory=list)
    understood: Prediction | None = None  # set when the model's decision was used (learning loop)
    from_choice: bool = False  # performing an option the client picked ("2"), not their words

    @property
    def request_text(self) -> str:
        """The client's own request ("" when the action runs from a numbered choice)."""
        return "" if self.from_choice else self.text

    @property
    def prediction(self) -> Prediction | None:
        return self.analysis.prediction if self.analysis is not None else None

    @property
    def state(self) -> dict[str, Any]:
        return self.conversation.state

    @property
    def client(self) -> Client | None:
        return self.conversation.client

    @property
    def is_web(self) -> bool:
        return self.conversation.channel == "web"

    def answer(self) -> str | None:
        """ "yes", "no", "other" or None: this message read as the answer to a yes/no question."""
        if self.analysis is None or self.understanding is None:
            from tremplin.assistant.nlu.reading import read_answer

            return read_answer(self.text)
        return self.analysis.answer(self.understanding)

    def say(self, *texts: object) -> None:
        self.replies.extend(str(text) for text in texts if str(text))

    def ask(self, pending: dict[str, Any], *texts: object) -> None:
        """Say something that expects an answer; the next message is read as that answer first."""
        self.state["pending"] = pending
        self.say(*texts)

    def now(self) -> datetime:
        return timezone.localtime(timezone.now(), ZoneInfo(self.agency.time_zone))

    @cached_property
    def opening_hours(self) -> OpeningHours | None:
        """The agency's opening days and hours (its knowledge base's facts), read once a turn."""
        return agency_facts_get(agency=self.agency)

    def hand_over(self, reason: str, *, urgent: bool = False) -> None:
        """Pass the conversation to a person, and say when they will answer."""
        from tremplin.assistant.models import ConversationStatus

        already = self.conversation.status == ConversationStatus.HANDED_OVER
        kept = {key: self.state[key] for key in ("asked_language",) if key in self.state}
        if not already or urgent:
            conversation_hand_over(conversation=self.conversation, reason=reason)
        self.conversation.state.update(kept)
        self.say(HANDED_OVER_WEB if self.is_web else HANDED_OVER_REMOTE)
        if urgent:
            self.say(HANDED_OVER_URGENT)
        if (opening := self.opening_hours) is not None:
            # When a person will answer, from the same facts as the opening hours answer.
            self.say(*opening_sentences(opening, self.now(), handing_over=True))
        elif hours := self.knowledge_answer("office_hours"):
            self.say(OFFICE_HOURS_INTRO, hours)
        self.say(HANDOFF_KEEP_TALKING)

    def knowledge_answer(self, intent_id: str) -> str:
        """The knowledge base's answer in the reply language, else the agency's default one."""
        from tremplin.assistant.models import IntentAnswer

        answers = dict(
            IntentAnswer.objects.filter(
                agency=self.agency, intent__intent_id=intent_id
            ).values_list("language", "text")
        )
        return answers.get(self.language) or answers.get(self.agency.default_language) or ""
