"""Skip logic, property-based: random surveys with conditions on earlier answers, random
answer sheets. Against a plain oracle of which questions are shown:

- a hidden question is never required and its answer is never stored;
- a sheet that leaves a shown required question blank is refused, and nothing is stored;
- otherwise exactly the shown, answered questions are stored.

Runs on SQLite and on PostgreSQL (the suite runs on both)."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tremplin.clients.tests.factories import ClientFactory
from tremplin.surveys import rules, services
from tremplin.surveys.models import Answer, Response
from tremplin.surveys.tests.factories import T, build_survey

CHOICES = ["a", "b", "c"]
KINDS = ["yes_no", "single", "multiple", "number"]


@st.composite
def condition(draw, earlier: list[dict[str, Any]]) -> Any:
    target = draw(st.sampled_from(earlier))
    kind = target["question_type"]
    if kind == "yes_no":
        return {
            "q": target["name"],
            "op": draw(st.sampled_from(["eq", "ne"])),
            "value": draw(st.sampled_from(["yes", "no"])),
        }
    if kind in ("single", "multiple"):
        op = draw(st.sampled_from(["eq", "ne", "in", "answered"]))
        if op == "in":
            return {
                "q": target["name"],
                "op": op,
                "value": draw(
                    st.lists(st.sampled_from(CHOICES), min_size=2, max_size=3, unique=True)
                ),
            }
        if op == "answered":
            return {"q": target["name"], "op": op}
        return {"q": target["name"], "op": op, "value": draw(st.sampled_from(CHOICES))}
    return {
        "q": target["name"],
        "op": draw(st.sampled_from(["gt", "lt", "gte", "lte", "eq"])),
        "value": draw(st.integers(0, 10)),
    }


@st.composite
def surveys(draw) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = []
    for index in range(draw(st.integers(2, 6))):
        kind = draw(st.sampled_from(KINDS))
        question: dict[str, Any] = {
            "name": f"q{index}",
            "question_type": kind,
            "required": draw(st.booleans()),
            "page": draw(st.integers(1, 2)) if index else 1,
        }
        if kind in ("single", "multiple"):
            question["choices"] = [{"value": c, "label": T(c.upper())} for c in CHOICES]
        if kind == "number":
            question["min_value"], question["max_value"] = 0, 10
        if questions and draw(st.booleans()):
            parts = draw(st.lists(condition(questions), min_size=1, max_size=2))
            rule = parts[0] if len(parts) == 1 else {draw(st.sampled_from(["all", "any"])): parts}
            question["relevance"] = {"not": rule} if draw(st.booleans()) and "q" in rule else rule
        questions.append(question)
    # pages must follow question order
    page = 1
    for question in questions:
        page = max(page, question["page"])
        question["page"] = page
    return questions


def answer_for(draw, question: dict[str, Any]) -> Any:
    kind = question["question_type"]
    if not draw(st.booleans()):
        return None
    if kind == "yes_no":
        return draw(st.sampled_from(["yes", "no"]))
    if kind == "single":
        return draw(st.sampled_from(CHOICES))
    if kind == "multiple":
        return draw(st.lists(st.sampled_from(CHOICES), min_size=1, max_size=3, unique=True))
    return draw(st.integers(0, 10))


def oracle_holds(rule: Any, seen: dict[str, Any]) -> bool:
    """Which questions are shown, written out plainly."""
    if rule is None:
        return True
    if "all" in rule:
        return all(oracle_holds(r, seen) for r in rule["all"])
    if "any" in rule:
        return any(oracle_holds(r, seen) for r in rule["any"])
    if "not" in rule:
        return not oracle_holds(rule["not"], seen)
    value = seen.get(rule["q"])
    op, expected = rule["op"], rule.get("value")
    if op == "answered":
        return value is not None
    if value is None:
        return op == "ne"
    if isinstance(value, list):
        if op == "in":
            return any(v in value for v in expected)
        return (expected in value) == (op == "eq")
    if op == "eq":
        return value == expected
    if op == "ne":
        return value != expected
    if op == "in":
        return value in expected
    return {
        "gt": value > expected,
        "lt": value < expected,
        "gte": value >= expected,
        "lte": value <= expected,
    }[op]


def oracle_shown(questions: list[dict[str, Any]], answers: dict[str, Any]) -> list[str]:
    seen: dict[str, Any] = {}
    shown = []
    for question in questions:
        if oracle_holds(question.get("relevance"), seen):
            shown.append(question["name"])
            if answers.get(question["name"]) is not None:
                seen[question["name"]] = answers[question["name"]]
    return shown


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hidden_questions_are_never_required_nor_stored(agency, data):
    questions = data.draw(surveys())
    survey = build_survey(agency, questions)
    answers = {q["name"]: answer_for(data.draw, q) for q in questions}
    shown = oracle_shown(questions, answers)
    by_name = {q["name"]: q for q in questions}
    missing = [n for n in shown if by_name[n]["required"] and answers[n] is None]
    invitation = services.invitation_create(
        survey=survey, actor=None, client=ClientFactory(agency=agency), send=False
    )
    before = Response.objects.count(), Answer.objects.count()
    sheet = {name: value for name, value in answers.items() if value is not None}
    if missing:
        with pytest.raises(services.SurveyRefused) as refused:
            services.response_submit(invitation=invitation, answers=sheet, language="en")
        assert refused.value.code == "required" and refused.value.field == missing[0]
        assert (Response.objects.count(), Answer.objects.count()) == before
        return
    response = services.response_submit(invitation=invitation, answers=sheet, language="en")
    stored = {a.question.name: a.value for a in response.answers.select_related("question")}
    expected = {n: answers[n] for n in shown if answers[n] is not None}
    expected = {n: sorted(v) if isinstance(v, list) else v for n, v in expected.items()}
    assert {n: sorted(v) if isinstance(v, list) else v for n, v in stored.items()} == expected
    # The engine agrees with the oracle on what is shown.
    pages = services.survey_pages(survey)
    assert [q.name for q in services.visible_questions(pages, sheet)] == shown


def test_a_rule_pointing_forward_or_at_nothing_is_refused(agency, db):
    from django.core.exceptions import ValidationError

    survey = build_survey(
        agency,
        [{"name": "first", "question_type": "text"}, {"name": "second", "question_type": "text"}],
    )
    first = survey.questions.get(name="first")
    with pytest.raises(ValidationError, match="comes later"):
        services.question_update(
            question=first,
            actor=None,
            name="first",
            question_type="text",
            label=T("First"),
            relevance={"q": "second", "op": "answered"},
        )
    first.refresh_from_db()
    assert first.relevance is None
    with pytest.raises(ValidationError, match="does not exist"):
        build_survey(
            agency,
            [
                {
                    "name": "only",
                    "question_type": "text",
                    "relevance": {"q": "ghost", "op": "answered"},
                }
            ],
        )


def test_canonical_forms_round_trip():
    earlier = {"a": rules.QuestionInfo("a", "single", ("x", "y", "z"))}
    assert rules.validate_rule(
        {"any": [{"q": "a", "op": "eq", "value": "x"}, {"q": "a", "op": "eq", "value": "y"}]},
        earlier=earlier,
        known={"a"},
    ) == {"q": "a", "op": "in", "value": ["x", "y"]}
    assert rules.validate_rule(
        {"not": {"q": "a", "op": "eq", "value": "x"}}, earlier=earlier, known={"a"}
    ) == {"q": "a", "op": "ne", "value": "x"}
    with pytest.raises(rules.RuleError):
        rules.validate_rule({"q": "a", "op": "gt", "value": 3}, earlier=earlier, known={"a"})
    with pytest.raises(rules.RuleError):
        rules.validate_rule({"q": "a", "op": "eq", "value": "nope"}, earlier=earlier, known={"a"})
