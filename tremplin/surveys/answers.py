"""Turning what a respondent typed (form strings) into the stored value of one question."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from tremplin.surveys.models import Question, QuestionType

MAX_TEXT = 4000
LIKERT_VALUES = (1, 2, 3, 4, 5)


class AnswerError(ValueError):
    pass


def is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, list | tuple):
        return all(is_blank(item) for item in raw)
    return False


def choice_values(question: Question) -> list[str]:
    return [str(choice["value"]) for choice in question.choices or []]


def clean_answer(question: Question, raw: Any) -> Any:
    """The value to store, or None when blank; AnswerError with a message for people."""
    if is_blank(raw):
        return None
    kind = question.question_type
    if kind == QuestionType.MULTIPLE:
        items = raw if isinstance(raw, list | tuple) else [raw]
        allowed = choice_values(question)
        picked = []
        for item in items:
            if is_blank(item):
                continue
            if str(item) not in allowed:
                raise AnswerError(_("Choose among the options given."))
            if str(item) not in picked:
                picked.append(str(item))
        return [value for value in allowed if value in picked] or None
    if isinstance(raw, list | tuple):
        if len(raw) != 1:
            raise AnswerError(_("Give one answer only."))
        raw = raw[0]
    if kind == QuestionType.SINGLE:
        if str(raw) not in choice_values(question):
            raise AnswerError(_("Choose among the options given."))
        return str(raw)
    if kind == QuestionType.YES_NO:
        if raw is True or raw is False:
            return "yes" if raw else "no"
        if str(raw) not in ("yes", "no"):
            raise AnswerError(_("Answer yes or no."))
        return str(raw)
    if kind in (QuestionType.LIKERT, QuestionType.NPS):
        low, high = (1, 5) if kind == QuestionType.LIKERT else (0, 10)
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise AnswerError(_("Choose a number on the scale.")) from None
        if not low <= number <= high:
            raise AnswerError(_("Choose a number on the scale."))
        return number
    if kind == QuestionType.NUMBER:
        try:
            value = float(str(raw).strip().replace(",", "."))
        except ValueError:
            raise AnswerError(_("Enter a number.")) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise AnswerError(_("Enter a number."))
        if question.min_value is not None and value < question.min_value:
            raise AnswerError(
                _("Enter a number of at least %(min)s.") % {"min": _n(question.min_value)}
            )
        if question.max_value is not None and value > question.max_value:
            raise AnswerError(
                _("Enter a number of at most %(max)s.") % {"max": _n(question.max_value)}
            )
        return int(value) if value.is_integer() else value
    if kind == QuestionType.DATE:
        if isinstance(raw, date):
            return raw.isoformat()
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise AnswerError(_("Enter a date as YYYY-MM-DD.")) from None
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise AnswerError(_("Keep the answer under %(max)d characters.") % {"max": MAX_TEXT})
    return text


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def numeric(question: Question, value: Any) -> float | None:
    """The number stored beside an answer for aggregates."""
    if value is None:
        return None
    if question.question_type in (QuestionType.LIKERT, QuestionType.NPS, QuestionType.NUMBER):
        return float(value)
    if question.question_type == QuestionType.YES_NO:
        return 1.0 if value == "yes" else 0.0
    return None
