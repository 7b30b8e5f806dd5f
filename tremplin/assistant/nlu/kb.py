"""Knowledge base loading and validation.

The YAML is composed (not just loaded) so every error can name the line the
agency staff member has to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

IntentKind = Literal["faq", "action"]
INTENT_KINDS: tuple[str, ...] = ("faq", "action")
TOP_LEVEL_KEYS = {"agency", "default_language", "intents"}
INTENT_KEYS = {"id", "kind", "examples", "answer"}


class KnowledgeBaseError(ValueError):
    """Invalid knowledge base; the message starts with "line N:" when known."""


@dataclass(frozen=True)
class Intent:
    id: str
    kind: IntentKind
    examples: dict[str, list[str]]
    answers: dict[str, str]


@dataclass(frozen=True)
class KnowledgeBase:
    agency: str
    default_language: str
    intents: list[Intent] = field(default_factory=list)

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
        raise _fail(
            by_key["id"][1],
            f"duplicate intent id '{intent_id}' (first defined on line {seen_ids[intent_id]})",
        )
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


def load_knowledge_base(text: str, *, source: str = "<kb>") -> KnowledgeBase:
    """Parse and validate a knowledge base YAML document."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise KnowledgeBaseError(f"{where}YAML syntax error in {source}: {problem}") from error
    if root is None:
        raise KnowledgeBaseError(f"line 1: {source} is empty")
    items = _mapping(root, source)
    by_key = {key: value for key, _, value in items}
    for key, key_node, _ in items:
        if key not in TOP_LEVEL_KEYS:
            raise _fail(key_node, f"unknown key '{key}' in {source}")
    for required in ("agency", "intents"):
        if required not in by_key:
            raise _fail(root, f"missing '{required}' in {source}")
    intents_node = by_key["intents"]
    if not isinstance(intents_node, SequenceNode) or not intents_node.value:
        raise _fail(intents_node, "'intents' must be a non-empty list")
    seen_ids: dict[str, int] = {}
    intents = [_parse_intent(node, seen_ids) for node in intents_node.value]
    default_language = (
        _scalar(by_key["default_language"], "default_language")
        if "default_language" in by_key
        else "en"
    )
    return KnowledgeBase(
        agency=_scalar(by_key["agency"], "agency"),
        default_language=default_language,
        intents=intents,
    )
