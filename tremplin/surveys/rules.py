"""Skip logic as data: a small typed rule language, validated on save, evaluated without `eval`.

A rule is JSON:

    {"q": "employed", "op": "eq", "value": "yes"}          one comparison with an earlier answer
    {"all": [rule, rule, …]}                               every rule holds
    {"any": [rule, rule, …]}                               at least one holds
    {"not": rule}                                          the rule does not hold

Operators: `eq`, `ne`, `in` (value is a list), `gt`, `lt`, `gte`, `lte` (numbers, dates as
ISO strings), `answered` (value ignored). On a multiple-choice question `eq` means "this
option is ticked" and `in` "one of these options is ticked".

An unanswered (or hidden) question makes every comparison false except `ne` (true) — so a
question that depends on a hidden one stays hidden, as in ODK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

OPERATORS = ("eq", "ne", "in", "gt", "lt", "gte", "lte", "answered")
ORDERED_OPERATORS = ("gt", "lt", "gte", "lte")
MAX_DEPTH = 8


class RuleError(ValueError):
    """A rule that cannot be saved; the message says why, for people."""


@dataclass(frozen=True)
class QuestionInfo:
    """What the validator needs to know of a question: its type and allowed values."""

    name: str
    question_type: str
    choice_values: tuple[str, ...] = ()


def rule_questions(rule: Any) -> set[str]:
    """The names of the questions a (valid) rule reads."""
    if not rule:
        return set()
    if "q" in rule:
        return {rule["q"]}
    if "not" in rule:
        return rule_questions(rule["not"])
    key = "all" if "all" in rule else "any"
    names: set[str] = set()
    for part in rule[key]:
        names |= rule_questions(part)
    return names


def validate_rule(rule: Any, *, earlier: Mapping[str, QuestionInfo], known: set[str]) -> Any:
    """Return the rule in canonical form, or raise RuleError.

    `earlier`: the questions that come before the one the rule belongs to (by name);
    `known`: every question name of the survey (to tell "later" from "missing").
    """
    if rule in (None, {}, ""):
        return None
    return _validate(rule, earlier, known, depth=0)


def _validate(rule: Any, earlier: Mapping[str, QuestionInfo], known: set[str], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise RuleError(_("The condition is nested too deeply."))
    if not isinstance(rule, dict) or len(rule) == 0:
        raise RuleError(_("A condition must be an object."))
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        parts = rule[key]
        if set(rule) != {key} or not isinstance(parts, list) or not parts:
            raise RuleError(_("“all” and “any” need a non-empty list of conditions."))
        return _canonical({key: [_validate(part, earlier, known, depth + 1) for part in parts]})
    if "not" in rule:
        if set(rule) != {"not"}:
            raise RuleError(_("“not” takes exactly one condition."))
        return _canonical({"not": _validate(rule["not"], earlier, known, depth + 1)})
    name, op = rule.get("q"), rule.get("op")
    if set(rule) - {"q", "op", "value"} or not isinstance(name, str):
        raise RuleError(_("A condition names a question (“q”), an operator and a value."))
    if name not in earlier:
        if name in known:
            raise RuleError(
                _(
                    "The condition refers to “%(name)s”, which comes later: only earlier answers can be used."
                )
                % {"name": name}
            )
        raise RuleError(
            _("The condition refers to “%(name)s”, which does not exist.") % {"name": name}
        )
    if op not in OPERATORS:
        raise RuleError(_("“%(op)s” is not a known operator.") % {"op": op})
    info = earlier[name]
    if op == "answered":
        return {"q": name, "op": op}
    if "value" not in rule:
        raise RuleError(_("The condition on “%(name)s” has no value.") % {"name": name})
    value = rule["value"]
    if op == "in":
        if not isinstance(value, list) or not value:
            raise RuleError(_("“in” needs a non-empty list of values."))
        values: list[Any] = []
        for item in value:
            checked = _check_value(info, item, op)
            if checked not in values:
                values.append(checked)
        if len(values) == 1:
            return {"q": name, "op": "eq", "value": values[0]}
        return {"q": name, "op": op, "value": values}
    return {"q": name, "op": op, "value": _check_value(info, value, op)}


NUMERIC_TYPES = ("likert", "nps", "number")


def _canonical(rule: dict[str, Any]) -> Any:
    """One way to say each thing, so that a rule survives an XLSForm round trip unchanged:
    a group of one is its member, not(eq) is ne, and any-of equalities on one question is in."""
    if "not" in rule:
        inner = rule["not"]
        if inner.get("op") == "eq":
            return {"q": inner["q"], "op": "ne", "value": inner["value"]}
        return rule
    key = "all" if "all" in rule else "any"
    parts = rule[key]
    if len(parts) == 1:
        return parts[0]
    if key == "any" and all(p.get("op") in ("eq", "in") for p in parts):
        names = {p["q"] for p in parts}
        if len(names) == 1:
            values: list[Any] = []
            for part in parts:
                for value in part["value"] if part["op"] == "in" else [part["value"]]:
                    if value not in values:
                        values.append(value)
            if len(values) == 1:
                return {"q": names.pop(), "op": "eq", "value": values[0]}
            return {"q": names.pop(), "op": "in", "value": values}
    return rule


def _check_value(info: QuestionInfo, value: Any, op: str) -> Any:
    qtype = info.question_type
    if op in ORDERED_OPERATORS and qtype not in (*NUMERIC_TYPES, "date"):
        raise RuleError(
            _("“%(name)s” is not a number or a date: it cannot be compared with greater or less.")
            % {"name": info.name}
        )
    if qtype in NUMERIC_TYPES:
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise RuleError(
                    _("“%(name)s” takes a number in its conditions.") % {"name": info.name}
                ) from None
        return int(value) if float(value).is_integer() else float(value)
    if qtype == "yes_no":
        if value not in ("yes", "no"):
            raise RuleError(_("“%(name)s” takes “yes” or “no”.") % {"name": info.name})
        return value
    if not isinstance(value, str):
        raise RuleError(_("“%(name)s” takes a text value.") % {"name": info.name})
    if qtype in ("single", "multiple") and value not in info.choice_values:
        raise RuleError(
            _("“%(value)s” is not an option of “%(name)s”.") % {"value": value, "name": info.name}
        )
    return value


def evaluate(rule: Any, answers: Mapping[str, Any]) -> bool:
    """Whether a (validated) rule holds for `answers` (question name → stored value)."""
    if not rule:
        return True
    if "all" in rule:
        return all(evaluate(part, answers) for part in rule["all"])
    if "any" in rule:
        return any(evaluate(part, answers) for part in rule["any"])
    if "not" in rule:
        return not evaluate(rule["not"], answers)
    answer = answers.get(rule["q"])
    op = rule["op"]
    present = answer not in (None, "", [])
    if op == "answered":
        return present
    if not present:
        return op == "ne"
    value = rule.get("value")
    if isinstance(answer, list):  # multiple choice: which options are ticked
        if op == "eq":
            return value in answer
        if op == "ne":
            return value not in answer
        if op == "in":
            return any(v in answer for v in value)
        return False
    if op == "eq":
        return _same(answer, value)
    if op == "ne":
        return not _same(answer, value)
    if op == "in":
        return any(_same(answer, v) for v in value)
    try:
        if isinstance(value, str) or isinstance(answer, str):
            left, right = str(answer), str(value)
            return _ordered(op, left, right)
        return _ordered(op, float(answer), float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _same(answer: Any, value: Any) -> bool:
    if isinstance(answer, int | float) and not isinstance(answer, bool):
        try:
            return float(answer) == float(value)
        except (TypeError, ValueError):
            return False
    return answer == value


def _ordered(op: str, left: Any, right: Any) -> bool:
    if op == "gt":
        return left > right
    if op == "lt":
        return left < right
    if op == "gte":
        return left >= right
    return left <= right


def visible_names(
    sections: Sequence[tuple[Any, Sequence[tuple[str, Any]]]], answers: Mapping[str, Any]
) -> list[str]:
    """The questions shown for `answers`, in order.

    `sections`: [(section relevance, [(question name, question relevance), …]), …]. Answers
    to hidden questions are ignored while deciding what comes later.
    """
    shown: list[str] = []
    seen: dict[str, Any] = {}
    for section_rule, questions in sections:
        section_shown = evaluate(section_rule, seen)
        for name, rule in questions:
            if section_shown and evaluate(rule, seen):
                shown.append(name)
                if name in answers:
                    seen[name] = answers[name]
    return shown
