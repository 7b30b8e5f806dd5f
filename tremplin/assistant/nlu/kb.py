"""Knowledge base loading and validation.

The YAML is composed (not just loaded) so every error can name the line the
agency staff member has to fix.

A knowledge base is one agency's file. It may build on a shared part (`shared:` a path
relative to the file): the shared part holds the intents, their examples and default answers
(every agency gets an intent added there); the agency's file adds its `facts` (phone, email,
opening days and hours, holidays), answers of its own (`answers:` replaces an intent's answers
in every language) and intents of its own. Answers may name facts as `{agency}`, `{phone}`,
`{email}`; an unknown name is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

IntentKind = Literal["faq", "action"]
INTENT_KINDS: tuple[str, ...] = ("faq", "action")
TOP_LEVEL_KEYS = {"agency", "default_language", "intents", "shared", "facts", "answers"}
SHARED_KEYS = {"intents"}
INTENT_KEYS = {"id", "kind", "examples", "answer"}
FACT_KEYS = {"phone", "email", "opening_days", "opening_hours", "holidays"}
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Statutory holidays an agency can close on (dates computed in tremplin.assistant.opening).
HOLIDAY_KEYS = (
    "new_year",
    "family_day",
    "good_friday",
    "easter_monday",
    "victoria_day",
    "saint_jean_baptiste",
    "canada_day",
    "civic_holiday",
    "new_brunswick_day",
    "labour_day",
    "truth_and_reconciliation",
    "thanksgiving",
    "remembrance_day",
    "christmas",
    "boxing_day",
)
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_HOURS = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)$")


class KnowledgeBaseError(ValueError):
    """Invalid knowledge base; the message starts with "line N:" when known."""


@dataclass(frozen=True)
class Intent:
    id: str
    kind: IntentKind
    examples: dict[str, list[str]]
    answers: dict[str, str]


@dataclass(frozen=True)
class Facts:
    """What the agency's file states as data (stored in the database by the import)."""

    phone: str = ""
    email: str = ""
    opening_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    opens: time = time(8, 30)
    closes: time = time(16, 30)
    holidays: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    agency: str
    default_language: str
    intents: list[Intent] = field(default_factory=list)
    facts: Facts | None = None

    def intent(self, intent_id: str) -> Intent:
        for intent in self.intents:
            if intent.id == intent_id:
                return intent
        raise KeyError(intent_id)

    def training_examples(self) -> list[tuple[str, str, str]]:
        """(intent_id, lang, text) rows, the format train_from_examples takes."""
        return [
            (intent.id, lang, text)
            for intent in self.intents
            for lang, texts in intent.examples.items()
            for text in texts
        ]


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _fail(node: Node, message: str) -> KnowledgeBaseError:
    return KnowledgeBaseError(f"line {_line(node)}: {message}")


def _mapping(node: Node, what: str) -> list[tuple[str, Node, Node]]:
    """Return (key, key_node, value_node) triples, rejecting duplicate keys."""
    if not isinstance(node, MappingNode):
        raise _fail(node, f"{what} must be a mapping")
    seen: set[str] = set()
    items = []
    for key_node, value_node in node.value:
        key = _scalar(key_node, f"a key in {what}")
        if key in seen:
            raise _fail(key_node, f"duplicate key '{key}' in {what}")
        seen.add(key)
        items.append((key, key_node, value_node))
    return items


def _scalar(node: Node, what: str) -> str:
    if not isinstance(node, ScalarNode):
        raise _fail(node, f"{what} must be a single value")
    text = str(node.value).strip()
    if not text:
        raise _fail(node, f"{what} is empty")
    return text


def _parse_examples(node: Node, intent_id: str) -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for lang, _, texts_node in _mapping(node, f"examples of intent '{intent_id}'"):
        if not isinstance(texts_node, SequenceNode):
            raise _fail(texts_node, f"examples '{lang}' of intent '{intent_id}' must be a list")
        texts = [_scalar(item, f"an example of intent '{intent_id}'") for item in texts_node.value]
        if not texts:
            raise _fail(texts_node, f"empty examples '{lang}' in intent '{intent_id}'")
        examples[lang] = texts
    if not examples:
        raise _fail(node, f"no examples in intent '{intent_id}'")
    return examples


def _parse_intent(node: Node, seen_ids: dict[str, int]) -> Intent:
    items = _mapping(node, "an intent")
    by_key = {key: (key_node, value) for key, key_node, value in items}
    intent_id = _scalar(by_key["id"][1], "id") if "id" in by_key else None
    label = f"intent '{intent_id}'" if intent_id else "an intent"
    for key, key_node, _ in items:
        if key not in INTENT_KEYS:
            raise _fail(key_node, f"unknown key '{key}' in {label}")
    for required in ("id", "kind", "examples", "answer"):
        if required not in by_key:
            what = "answer" if required == "answer" else f"'{required}'"
            raise _fail(node, f"missing {what} in {label}")
    assert intent_id is not None
    if intent_id in seen_ids:
        first = seen_ids[intent_id]  # 0: an intent of the shared part
        where = f"first defined on line {first}" if first else "defined in the shared part"
        raise _fail(by_key["id"][1], f"duplicate intent id '{intent_id}' ({where})")
    seen_ids[intent_id] = _line(by_key["id"][1])
    kind_node = by_key["kind"][1]
    kind = _scalar(kind_node, f"kind of {label}")
    if kind not in INTENT_KINDS:
        raise _fail(kind_node, f"bad kind '{kind}' in {label} (expected faq or action)")
    examples = _parse_examples(by_key["examples"][1], intent_id)
    answers_node = by_key["answer"][1]
    answers = {
        lang: _scalar(value, f"answer '{lang}' of {label}")
        for lang, _, value in _mapping(answers_node, f"answer of {label}")
    }
    if not answers:
        raise _fail(answers_node, f"missing answer in {label}")
    # An intent must be answerable in every language it is taught in.
    for lang in examples:
        if lang not in answers:
            raise _fail(answers_node, f"missing answer '{lang}' in {label}")
    return Intent(id=intent_id, kind=kind, examples=examples, answers=answers)  # type: ignore[arg-type]


def _compose(text: str, source: str) -> MappingNode:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise KnowledgeBaseError(f"{where}YAML syntax error in {source}: {problem}") from error
    if root is None:
        raise KnowledgeBaseError(f"line 1: {source} is empty")
    if not isinstance(root, MappingNode):
        raise _fail(root, f"{source} must be a mapping")
    return root


def _parse_intents(node: Node, seen_ids: dict[str, int]) -> list[Intent]:
    if not isinstance(node, SequenceNode) or not node.value:
        raise _fail(node, "'intents' must be a non-empty list")
    return [_parse_intent(item, seen_ids) for item in node.value]


def _load_shared(path: Path, node: Node) -> list[Intent]:
    """The shared part's intents; its errors name the shared file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _fail(node, f"cannot read the shared part {path} ({error.strerror})") from error
    source = str(path)
    root = _compose(text, source)
    by_key = {}
    for key, key_node, value in _mapping(root, source):
        if key not in SHARED_KEYS:
            raise _fail(key_node, f"unknown key '{key}' in the shared part {source}")
        by_key[key] = value
    if "intents" not in by_key:
        raise _fail(root, f"missing 'intents' in the shared part {source}")
    try:
        return _parse_intents(by_key["intents"], {})
    except KnowledgeBaseError as error:
        raise KnowledgeBaseError(f"{source}: {error}") from error


def _parse_facts(node: Node) -> Facts:
    values: dict[str, object] = {}
    for key, key_node, value in _mapping(node, "facts"):
        if key not in FACT_KEYS:
            raise _fail(key_node, f"unknown fact '{key}' (known: {', '.join(sorted(FACT_KEYS))})")
        if key in ("phone", "email"):
            values[key] = _scalar(value, f"fact '{key}'")
        elif key == "opening_hours":
            hours = _HOURS.match(_scalar(value, "opening_hours"))
            if hours is None:
                raise _fail(value, "opening_hours is written like 08:30-16:30")
            opens = time(int(hours.group(1)), int(hours.group(2)))
            closes = time(int(hours.group(3)), int(hours.group(4)))
            if closes <= opens:
                raise _fail(value, "opening_hours must close after they open")
            values["opens"], values["closes"] = opens, closes
        else:
            allowed = WEEKDAY_KEYS if key == "opening_days" else HOLIDAY_KEYS
            if not isinstance(value, SequenceNode):
                raise _fail(value, f"'{key}' must be a list")
            names = [_scalar(item, f"an item of '{key}'") for item in value.value]
            for item, name in zip(value.value, names, strict=True):
                if name not in allowed:
                    raise _fail(
                        item, f"unknown value '{name}' in '{key}' (known: {', '.join(allowed)})"
                    )
            if key == "opening_days":
                values[key] = tuple(sorted({WEEKDAY_KEYS.index(name) for name in names}))
            else:
                values[key] = tuple(dict.fromkeys(names))
    return Facts(**values)  # type: ignore[arg-type]


def _parse_overrides(node: Node, intents: list[Intent]) -> list[Intent]:
    """The agency's own answers replace the shared ones, in every language (a shared
    translation would carry another agency's facts)."""
    known = {intent.id: intent for intent in intents}
    replaced: dict[str, dict[str, str]] = {}
    for intent_id, key_node, value in _mapping(node, "answers"):
        if intent_id not in known:
            raise _fail(key_node, f"answers for unknown intent '{intent_id}'")
        answers = {
            lang: _scalar(text, f"answer '{lang}' of intent '{intent_id}'")
            for lang, _, text in _mapping(value, f"answers of intent '{intent_id}'")
        }
        for lang in known[intent_id].examples:
            if lang not in answers:
                raise _fail(value, f"missing answer '{lang}' in intent '{intent_id}'")
        replaced[intent_id] = answers
    return [
        Intent(intent.id, intent.kind, intent.examples, replaced[intent.id])
        if intent.id in replaced
        else intent
        for intent in intents
    ]


def _fill(intents: list[Intent], values: dict[str, str], node: Node) -> list[Intent]:
    def fill(intent: Intent, lang: str, text: str) -> str:
        for name in PLACEHOLDER.findall(text):
            if name not in values:
                raise _fail(
                    node,
                    f"answer '{lang}' of intent '{intent.id}' names {{{name}}}, which is not a "
                    f"fact of this agency (known: {', '.join(sorted(values))})",
                )
        return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)

    return [
        Intent(
            intent.id,
            intent.kind,
            intent.examples,
            {lang: fill(intent, lang, text) for lang, text in intent.answers.items()},
        )
        for intent in intents
    ]


def load_knowledge_base(text: str, *, source: str = "<kb>") -> KnowledgeBase:
    """Parse and validate a knowledge base YAML document (an agency's file, with its shared
    part read relative to `source`)."""
    root = _compose(text, source)
    items = _mapping(root, source)
    by_key = {key: value for key, _, value in items}
    for key, key_node, _ in items:
        if key not in TOP_LEVEL_KEYS:
            raise _fail(key_node, f"unknown key '{key}' in {source}")
    if "agency" not in by_key:
        raise _fail(
            root,
            f"missing 'agency' in {source} (a shared part is imported through an agency's "
            "file that names it in 'shared')",
        )
    if "intents" not in by_key and "shared" not in by_key:
        raise _fail(root, f"missing 'intents' in {source}")
    intents: list[Intent] = []
    if "shared" in by_key:
        shared = _scalar(by_key["shared"], "shared")
        intents = _load_shared(Path(source).parent / shared, by_key["shared"])
    seen_ids = {intent.id: 0 for intent in intents}
    if "intents" in by_key:
        intents += _parse_intents(by_key["intents"], seen_ids)
    if "answers" in by_key:
        intents = _parse_overrides(by_key["answers"], intents)
    facts = _parse_facts(by_key["facts"]) if "facts" in by_key else None
    agency = _scalar(by_key["agency"], "agency")
    values = {"agency": agency}
    if facts is not None:
        values.update(
            {key: getattr(facts, key) for key in ("phone", "email") if getattr(facts, key)}
        )
    intents = _fill(intents, values, by_key.get("facts", root))
    default_language = (
        _scalar(by_key["default_language"], "default_language")
        if "default_language" in by_key
        else "en"
    )
    return KnowledgeBase(
        agency=agency, default_language=default_language, intents=intents, facts=facts
    )
