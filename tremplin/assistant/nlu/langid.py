"""Language identification for short, mixed, SMS-style messages.

Scripts that name one language (Gurmukhi, Han, Hangul, Greek...) are decided
without a model; everything else goes to lingua restricted to the languages
clients write in, with a prior towards English and French because agency
clients mostly write those, and short Latin-script messages are ambiguous.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from tremplin.assistant.nlu.langid_server import SOCKET_ENV, remote_scores, wait_until_ready

logger = logging.getLogger(__name__)

# Languages lingua may answer; ISO 639-1.
CANDIDATE_LANGUAGES: tuple[str, ...] = (
    "en",
    "fr",
    "es",
    "pt",
    "it",
    "de",
    "ro",
    "pl",
    "tr",
    "vi",
    "tl",
    "so",
    "sw",
    "ar",
    "fa",
    "ur",
    "pa",
    "hi",
    "zh",
    "ko",
    "uk",
    "ru",
)
PREFERRED_LANGUAGES: tuple[str, ...] = ("en", "fr")
# lingua's high-accuracy models take ~400 MB for these 22 languages, the low-accuracy ones
# ~25 MB, but low accuracy misreads short messages (language id 0.97 -> 0.91 on the dev and
# held-out sets). High accuracy by default, loaded once before the web workers fork (shared
# memory, see docs/assistant.md), or in one process for all of a server's workers
# (langid_server.py); ASSISTANT_LANGID_HIGH_ACCURACY=0 for small machines.
HIGH_ACCURACY = os.environ.get("ASSISTANT_LANGID_HIGH_ACCURACY", "1") != "0"
# A preferred language wins when lingua gives it at least this share of the top score.
PREFERRED_RATIO = 0.5
# Unicode script (first word of the character name) -> language when unambiguous.
SCRIPT_LANGUAGE: dict[str, str] = {
    "GURMUKHI": "pa",
    "CJK": "zh",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "GREEK": "el",
    "HEBREW": "he",
    "THAI": "th",
    "ETHIOPIC": "am",
    "BENGALI": "bn",
    "TAMIL": "ta",
    "GUJARATI": "gu",
    "KHMER": "km",
    "MYANMAR": "my",
}
# Short messages ("es gratis?", "libre po ba ito?") give lingua too few n-grams: its scores are
# nearly flat and the prior towards English and French wins. There, words that only the
# assistant's own sentences in one other language use (its gettext catalogs) decide.
SHORT_MESSAGE_WORDS = 6
CONFIDENT_SCORE = 0.5
CATALOGS = Path(__file__).resolve().parents[1] / "locale"
WORD = re.compile(r"[^\W\d_]+")
UKRAINIAN_ONLY_LETTERS = set("іїєґ")
RUSSIAN_ONLY_LETTERS = set("ыэъё")


def _script_of(char: str) -> str:
    return unicodedata.name(char, "UNKNOWN").split(" ")[0]


def _scripts(text: str) -> Counter[str]:
    return Counter(_script_of(char) for char in text if char.isalpha())


class LanguageIdentifier:
    def __init__(self, *, high_accuracy: bool = True, default: str = "en") -> None:
        self.high_accuracy = high_accuracy
        self.default = default
        self._detector: Any = None
        self._lock = threading.Lock()

    def preload(self) -> None:
        """Load every language model now (before a server forks its workers: shared pages), or,
        when a shared language-model process serves this server, wait until it answers."""
        path = os.environ.get(SOCKET_ENV)
        if path:
            if not wait_until_ready(path, seconds=60):
                logger.warning("The language-model process at %s does not answer.", path)
            return
        self._lingua(preload=True)

    def _lingua(self, preload: bool = False):
        # Built lazily: web workers that never see a Latin/Arabic/Cyrillic
        # message do not pay for the n-gram models.
        with self._lock:
            if self._detector is None:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                languages = [
                    Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                    for code in CANDIDATE_LANGUAGES
                ]
                builder = LanguageDetectorBuilder.from_languages(*languages)
                if not self.high_accuracy:
                    builder = builder.with_low_accuracy_mode()
                if preload:
                    builder = builder.with_preloaded_language_models()
                self._detector = builder.build()
            return self._detector

    def _lingua_scores(self, text: str) -> dict[str, float]:
        path = os.environ.get(SOCKET_ENV)
        if not path:
            return self.local_scores(text)
        scores = remote_scores(path, text)
        if scores is None:
            # The script rules and the default language still answer; never load ~400 MB here.
            # No socket yet is a process still loading (it appears only when ready), not a fault.
            if os.path.exists(path):
                logger.warning("The language-model process at %s does not answer.", path)
            return {}
        return scores

    def local_scores(self, text: str) -> dict[str, float]:
        values = self._lingua().compute_language_confidence_values(text)
        return {value.language.iso_code_639_1.name.lower(): value.value for value in values}

    def identify(self, text: str) -> str:
        scripts = _scripts(text)
        if not scripts:
            return self.default
        script, _ = scripts.most_common(1)[0]
        if (
            script == "HIRAGANA"
            or script == "KATAKANA"
            or (script == "CJK" and (scripts["HIRAGANA"] or scripts["KATAKANA"]))
        ):
            return "ja"
        if script == "ETHIOPIC":
            # Tigrinya spells the glottal vowel ኣ where Amharic writes አ, and has the ቐ series.
            amharic = "አ" in text and "ኣ" not in text and not set(text) & set("ቐቑቒቓቔቕቖ")
            return "am" if amharic else "ti"
        if script in SCRIPT_LANGUAGE:
            return SCRIPT_LANGUAGE[script]
        lowered = set(text.lower())
        if script == "CYRILLIC" and lowered & UKRAINIAN_ONLY_LETTERS:
            return "uk"
        if script == "CYRILLIC" and lowered & RUSSIAN_ONLY_LETTERS:
            return "ru"
        if script == "DEVANAGARI":
            return "hi"
        scores = self._lingua_scores(text)
        if script == "ARABIC":
            return max(("ar", "fa", "ur"), key=lambda code: scores.get(code, 0.0))
        if script == "CYRILLIC":
            return max(("uk", "ru"), key=lambda code: scores.get(code, 0.0))
        if not scores:
            return self.default
        best = max(scores, key=scores.__getitem__)
        if best not in PREFERRED_LANGUAGES:
            preferred = max(PREFERRED_LANGUAGES, key=lambda code: scores.get(code, 0.0))
            if scores.get(preferred, 0.0) >= PREFERRED_RATIO * scores[best]:
                best = preferred
        if best in PREFERRED_LANGUAGES and scores[best] < CONFIDENT_SCORE:
            return _short_message_language(text) or best
        return best


def _short_message_language(text: str) -> str | None:
    """The one language whose catalog alone has the most of this short message's words, when
    those words outnumber the message's English or French words that language lacks (a French
    "numero" or an English "info" borrowed by another language never outvotes the rest)."""
    words = set(WORD.findall(text.lower()))
    if not words or len(words) > SHORT_MESSAGE_WORDS:
        return None
    vocabulary = catalog_vocabulary()
    preferred = set(PREFERRED_LANGUAGES)
    hits: Counter[str] = Counter()
    for word in words:
        languages = vocabulary.get(word, frozenset())
        if languages and not languages & preferred:
            hits.update(languages & set(CANDIDATE_LANGUAGES))
    ranked = hits.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[1][1] == ranked[0][1]):
        return None
    language, found = ranked[0]
    against = sum(
        1
        for word in words
        if vocabulary.get(word, frozenset()) & preferred
        and language not in vocabulary.get(word, frozenset())
    )
    return language if found > against else None


@lru_cache(maxsize=1)
def catalog_vocabulary() -> dict[str, frozenset[str]]:
    """word → the languages whose assistant sentences use it (English: the source texts)."""
    import polib

    found: defaultdict[str, set[str]] = defaultdict(set)
    for catalog in sorted(CATALOGS.glob("*/LC_MESSAGES/django.po")):
        language = catalog.parts[-3]
        for entry in polib.pofile(str(catalog)):
            for sentence, code in ((entry.msgstr, language), (entry.msgid, "en")):
                for word in WORD.findall(sentence.lower()):
                    found[word].add(code)
    return {word: frozenset(codes) for word, codes in found.items()}


@lru_cache(maxsize=2)
def default_identifier(high_accuracy: bool = HIGH_ACCURACY) -> LanguageIdentifier:
    """Process-wide identifier (lingua models are large and read-only)."""
    return LanguageIdentifier(high_accuracy=high_accuracy)


def local_scores(text: str) -> dict[str, float]:
    """lingua's scores computed in this process (what the shared language-model process runs)."""
    return default_identifier().local_scores(text)


def identify_language(text: str) -> str:
    return default_identifier().identify(text)
