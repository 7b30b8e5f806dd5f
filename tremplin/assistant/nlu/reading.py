"""Reading a client's answer to a question, and spotting messages about a person at risk.

Both work in every language of `data/answers.yaml` / `data/crisis.yaml` by meaning (the
encoder's nearest example) and by exact phrases, and both lean to the safe side:

* `read_answer` returns "yes" only for a clear agreement: "1", or a message made only of "yes"
  phrases of some language and polite words ("sí, gracias", "ok ok", "是的谢谢"), with no
  negation word in it — never on similarity alone ("maybe" is as close to "yes" as "sure"). Anything with a negation reads as "no"; anything else is
  `None` (ask again). A confirmation is never taken on a guess.
* `is_sensitive` is true when a keyword of some language starts a word of the message, or the
  message is close to a crisis example and closer to it than to every training example of the
  knowledge base (so ordinary questions about services never trigger a hand-off).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from tremplin.assistant.nlu.normalize import fold_accents

DATA = Path(__file__).with_name("data")
ANSWERS_PATH = DATA / "answers.yaml"
CRISIS_PATH = DATA / "crisis.yaml"
ANSWER_LABELS = ("yes", "no", "other")
# A refusal or "the other one" by meaning: this close (cosine, e5-small) to one of their examples.
NO_SIMILARITY = 0.90
MAX_ANSWER_WORDS = 6
MAX_NEGATED_WORDS = 3
# Crisis by meaning: close to a crisis example, and closer to it than to any KB example.
CRISIS_SIMILARITY = 0.90
CRISIS_MARGIN = 0.01
_NO_SPACE_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI")


def fold(text: str) -> str:
    """Lowercase, accents folded (Latin only changes), punctuation as spaces."""
    folded = fold_accents(text.lower()).replace("’", "'")
    return " ".join(
        "".join(
            " " if unicodedata.category(char)[0] in "PS" and char != "'" else char
            for char in folded
        ).split()
    )


def _unspaced(phrase: str) -> bool:
    return any(unicodedata.name(char, "").startswith(_NO_SPACE_SCRIPTS) for char in phrase)


def _contains(folded_text: str, phrase: str) -> bool:
    """The phrase starts a word of the text (inside the text for CJK/Hangul phrases)."""
    if _unspaced(phrase):
        return phrase in folded_text
    return re.search(r"(?<!\w)" + re.escape(phrase), folded_text) is not None


def _contains_word(folded_text: str, word: str) -> bool:
    if _unspaced(word) and len(word) > 1:
        return word in folded_text
    if _unspaced(word):  # a one-character CJK negation: 不, 没, 别 anywhere
        return word in folded_text
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", folded_text) is not None


@dataclass(frozen=True)
class AnswerData:
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    exact: dict[str, str]  # folded phrase -> label
    negations: tuple[str, ...]
    yes_phrases: frozenset[tuple[str, ...]]  # token tuples of "yes" examples
    polite: frozenset[tuple[str, ...]]  # "please", "thanks"... in every language


def tokens(folded: str) -> list[str]:
    """Words; each character of a script written without spaces is its own token."""
    found: list[str] = []
    for word in folded.split():
        if _unspaced(word) and not any("HANGUL" in unicodedata.name(c, "") for c in word):
            found.extend(word)
        else:
            found.append(word)
    return found


def _segments_into(words: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    """The words are a sequence of the phrases (longest first at each position)."""
    longest = max((len(phrase) for phrase in phrases), default=0)
    position = 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            if tuple(words[position : position + size]) in phrases:
                position += size
                break
        else:
            return False
    return True


def is_plain_yes(text: str) -> bool:
    """Only yes phrases of some language and polite words ("sí, gracias", "ok ok", "是的谢谢")."""
    data = answer_data()
    words = tokens(fold(text))
    if not words or any(_contains_word(" ".join(words), word) for word in data.negations):
        return False
    phrases = data.yes_phrases | data.polite
    if not _segments_into(words, phrases):
        return False
    return any(
        tuple(words[start : start + len(phrase)]) == phrase
        for phrase in data.yes_phrases
        for start in range(len(words))
    )


@cache
def answer_data() -> AnswerData:
    data = yaml.safe_load(ANSWERS_PATH.read_text(encoding="utf-8"))
    texts: list[str] = []
    labels: list[str] = []
    exact: dict[str, str] = {}
    negations: set[str] = set()
    polite: set[tuple[str, ...]] = set()
    for by_label in data.values():
        polite.update(tuple(tokens(fold(word))) for word in by_label.get("polite", []))
        for label in ANSWER_LABELS:
            for text in by_label.get(label, []):
                texts.append(text)
                labels.append(label)
                exact.setdefault(fold(text), label)
        negations.update(fold(word) for word in by_label.get("negation", []))
    # A phrase that is "yes" in one language and "no" in another is no clear yes.
    for phrase, label in list(exact.items()):
        if label == "yes" and any(_contains_word(phrase, word) for word in negations):
            del exact[phrase]
    yes_phrases = frozenset(
        tuple(tokens(phrase)) for phrase, label in exact.items() if label == "yes"
    )
    return AnswerData(
        tuple(texts),
        tuple(labels),
        exact,
        tuple(sorted(negations)),
        yes_phrases,
        frozenset(polite),
    )


@dataclass(frozen=True)
class CrisisData:
    keywords: tuple[str, ...]
    examples: tuple[str, ...]
    ordinary: tuple[str, ...]  # not_crisis: requests phrased like a disclosure ("I want to…")


@cache
def crisis_data() -> CrisisData:
    data = yaml.safe_load(CRISIS_PATH.read_text(encoding="utf-8"))
    keywords = {fold(word) for entry in data.values() for word in entry.get("keywords", [])}
    examples = [text for entry in data.values() for text in entry.get("examples", [])]
    ordinary = [text for entry in data.values() for text in entry.get("not_crisis", [])]
    return CrisisData(tuple(sorted(keywords)), tuple(examples), tuple(ordinary))


def has_negation(text: str) -> bool:
    folded = fold(text)
    return any(_contains_word(folded, word) for word in answer_data().negations)


def read_answer(
    text: str, vector: np.ndarray | None = None, answer_vectors: np.ndarray | None = None
) -> str | None:
    """ "yes", "no", "other" or None (unclear) for an answer to a yes/no question.

    `vector` is the message's embedding and `answer_vectors` those of `answer_data().texts`
    (same encoder); without them only exact phrases and digits are read.
    """
    folded = fold(text)
    words = folded.split()
    if not words:
        return None
    if words in (["1"], ["2"]):
        return "yes" if words == ["1"] else "no"
    data = answer_data()
    negated = any(_contains_word(folded, word) for word in data.negations)
    exact = data.exact.get(folded)
    if exact is not None and not (exact == "yes" and negated):
        return exact
    if is_plain_yes(text):
        return "yes"
    if negated:  # "ok actually no", "wait, don't" (a longer message may be a new request)
        return "no" if len(words) <= MAX_NEGATED_WORDS else None
    if vector is None or answer_vectors is None or len(words) > MAX_ANSWER_WORDS:
        return None
    if any(word.isdigit() for word in words):
        return None  # "2 please", "yes 3": a number is an answer to another question
    # A yes is never read by similarity alone: "maybe", "peut-être", "I want to register" sit
    # as close to the yes examples as real agreements do. Refusals and "the other one" are.
    similarities = answer_vectors @ vector.reshape(-1)
    labels = np.array(data.labels)
    best = {label: float(similarities[labels == label].max()) for label in ANSWER_LABELS}
    others = [label for label in ("no", "other") if best[label] >= NO_SIMILARITY]
    if others and max(best[label] for label in others) > best["yes"]:
        return max(others, key=best.__getitem__)
    return None


def keyword_sensitive(text: str) -> bool:
    folded = fold(text)
    return any(_contains(folded, keyword) for keyword in crisis_data().keywords)


def meaning_sensitive(
    vector: np.ndarray, crisis_vectors: np.ndarray, example_vectors: np.ndarray
) -> bool:
    """`crisis_vectors`: the crisis examples then the not_crisis ones (crisis_data() order)."""
    count = len(crisis_data().examples)
    similarities = crisis_vectors @ vector.reshape(-1)
    crisis = float(similarities[:count].max())
    ordinary = [float(similarities[count:].max())] if len(similarities) > count else []
    if len(example_vectors):
        ordinary.append(float((example_vectors @ vector.reshape(-1)).max()))
    return crisis >= CRISIS_SIMILARITY and crisis >= max(ordinary, default=0.0) + CRISIS_MARGIN
