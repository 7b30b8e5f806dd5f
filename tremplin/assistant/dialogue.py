"""Questions the assistant asks, declared as data, and the one runner that reads the answers.

A flow step is a `Confirm` (a yes/no question before a write) or a `Choose` (a numbered
list). The conversation's state keeps `{"step": name, ...}`; the next message is read by
`run_step` first:

* `Confirm`: a clear yes (read by meaning in every language of nlu/data/answers.yaml, or
  "1") runs `on_yes`; a no ("2", "cancel", "ok actually no"…) says `refused` and writes
  nothing; "the other one" runs `on_other`; a new request ("show me my registrations")
  leaves the question aside and is served; anything else asks again once, then gives up
  and offers a person. Nothing is ever written on a guess.
* `Choose`: the option's number, its text, "more" (next page) or, when `yes_means_first`,
  "yes"; anything else is understood afresh (the question is dropped).

A new action is a declaration in `actions.STEPS` plus the service call in its `on_yes`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tremplin.assistant.nlu.reading import fold
from tremplin.assistant.turn import Turn

SOCIAL_INTENTS = frozenset({"greeting", "goodbye", "thanks"})
MIN_NEW_REQUEST_WORDS = 3
UNCLEAR_ANSWERS_BEFORE_GIVING_UP = 2
# "more" in the reply languages: the next page of a list.
MORE_WORDS = frozenset(
    fold(word)
    for word in (
        "more",
        "next",
        "show more",
        "plus",
        "suivant",
        "encore",
        "más",
        "mas",
        "siguiente",
        "mais",
        "próximo",
        "المزيد",
        "التالي",
        "بیشتر",
        "بعدی",
        "更多",
        "下一页",
        "더",
        "더 보기",
        "다음",
        "thêm",
        "xem thêm",
        "tiếp",
        "pa",
        "iba pa",
        "susunod",
        "більше",
        "далі",
        "और",
        "अगला",
        "ਹੋਰ",
        "ਅਗਲਾ",
        "مزید",
        "اگلا",
        "dheeraad",
        "kuwa kale",
        "ተወሳኺ",
        "ቀጺሉ",
    )
)

LEFT_ASIDE = _("I have left your previous request aside.")
UNCLEAR_ANSWER = _("I did not understand your answer, so I have not done anything yet.")
GAVE_UP = _(
    "I still did not understand, so I have not done anything. Type “person” to talk to a member "
    "of our team, or ask me again."
)


@dataclass(frozen=True)
class Confirm:
    question: Callable[[Turn, dict[str, Any]], list[object]]
    on_yes: Callable[[Turn, dict[str, Any]], None]
    refused: Promise
    on_other: Callable[[Turn, dict[str, Any]], None] | None = None
    # A short answer that changes a slot ("online" to a question about in person): True if read.
    on_text: Callable[[Turn, dict[str, Any]], bool] | None = None


@dataclass(frozen=True)
class Choose:
    count: Callable[[Turn, dict[str, Any]], int]
    chosen: Callable[[Turn, dict[str, Any], int], None]  # the 1-based choice
    by_text: Callable[[Turn, dict[str, Any]], int | None] | None = None
    more: Callable[[Turn, dict[str, Any]], None] | None = None
    yes_means_first: bool = False


Step = Confirm | Choose


def words_of(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", fold(text).replace("'", " ")).split()


def chosen_number(text: str, count: int) -> int | None:
    """1-based choice from a short answer such as "2", "number 2", "le 2"; None otherwise."""
    words = words_of(text)
    numbers = [int(word) for word in words if word.isdigit() and len(word) <= 2]
    if len(words) <= 5 and len(numbers) == 1 and 1 <= numbers[0] <= count:
        return numbers[0]
    return None


def is_new_request(turn: Turn) -> bool:
    """A message that asks for something else (a confident task intent, several words)."""
    prediction = turn.prediction
    return (
        prediction is not None
        and prediction.decision == "answer"
        and prediction.intent is not None
        and prediction.intent not in SOCIAL_INTENTS
        and len(words_of(turn.text)) >= MIN_NEW_REQUEST_WORDS
    )


def _run_confirm(turn: Turn, step: Confirm, pending: dict[str, Any]) -> bool:
    if step.on_text is not None and step.on_text(turn, pending):
        return True
    answer = turn.answer()
    if answer == "yes":
        step.on_yes(turn, pending)
    elif answer == "no":
        turn.say(step.refused)
    elif answer == "other":
        if step.on_other is not None:
            step.on_other(turn, pending)
        else:
            turn.say(step.refused)
    elif is_new_request(turn):
        turn.say(LEFT_ASIDE)
        return False
    else:
        asked = int(pending.get("asked", 0)) + 1
        if asked >= UNCLEAR_ANSWERS_BEFORE_GIVING_UP:
            turn.say(GAVE_UP)
        else:
            turn.ask({**pending, "asked": asked}, UNCLEAR_ANSWER, *step.question(turn, pending))
    return True


def _run_choose(turn: Turn, step: Choose, pending: dict[str, Any]) -> bool:
    choice = chosen_number(turn.text, step.count(turn, pending))
    if choice is None and step.by_text is not None:
        choice = step.by_text(turn, pending)
    if choice is None and step.more is not None and " ".join(words_of(turn.text)) in MORE_WORDS:
        step.more(turn, pending)
        return True
    if choice is None and step.yes_means_first and turn.answer() == "yes":
        choice = 1
    if choice is None:
        return False
    step.chosen(turn, pending, choice)
    return True


def run_step(turn: Turn, steps: dict[str, Step], pending: dict[str, Any]) -> bool:
    """Read the message as the answer to the pending question; False: understand it afresh."""
    step = steps.get(pending.get("step", ""))
    if step is None:
        return False
    if isinstance(step, Confirm):
        return _run_confirm(turn, step, pending)
    return _run_choose(turn, step, pending)
