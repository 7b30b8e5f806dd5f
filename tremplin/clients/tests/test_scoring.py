import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tremplin.clients.scoring import (
    COMFORT_QUESTIONS,
    DATA_PLANS,
    DEVICE_ACCESS,
    DEVICES,
    INTERNET,
    USES,
    score_digital_assessment,
)

AT_EASE = {
    "devices": ["smartphone", "computer"],
    "device_access": "own",
    "internet": "home_unlimited",
    "data_plan": "unlimited",
    **dict.fromkeys(COMFORT_QUESTIONS, 3),
    "uses": ["email", "whatsapp", "sms"],
}
NO_ACCESS = {
    "devices": ["basic_phone"],
    "device_access": "none",
    "internet": "none",
    "data_plan": "none",
    **dict.fromkeys(COMFORT_QUESTIONS, 0),
    "uses": ["phone", "sms"],
}
MOBILE_ONLY = {
    "devices": ["smartphone"],
    "device_access": "own",
    "internet": "mobile_only",
    "data_plan": "limited",
    "comfort_email": 1,
    "comfort_video": 1,
    "comfort_forms": 1,
    "comfort_apps": 2,
    "comfort_typing": 1,
    "uses": ["whatsapp", "phone"],
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


answer_sheets = st.fixed_dictionaries(
    {
        "devices": st.lists(st.sampled_from(DEVICES), unique=True),
        "device_access": st.sampled_from(DEVICE_ACCESS),
        "internet": st.sampled_from(INTERNET),
        "data_plan": st.sampled_from(DATA_PLANS),
        **{key: st.integers(0, 3) for key in COMFORT_QUESTIONS},
        "uses": st.lists(st.sampled_from(USES), unique=True),
    }
)


def test_at_ease_online_gets_online_mode_and_email_first():
    result = score_digital_assessment(AT_EASE)
    assert result.score == 100
    assert result.level == "advanced"
    assert result.recommended_mode == "online"
    assert result.recommended_channels == ["email", "whatsapp", "sms"]
    assert result.explanation


def test_no_device_with_internet_gets_in_person_and_phone():
    result = score_digital_assessment(NO_ACCESS)
    assert result.score == 0
    assert result.level == "limited"
    assert result.recommended_mode == "in_person"
    assert result.recommended_channels == ["phone", "sms", "in_person"]
    assert "in person" in result.explanation[0]


def test_smartphone_with_mobile_data_gets_hybrid_and_whatsapp():
    result = score_digital_assessment(MOBILE_ONLY)
    assert result.recommended_mode == "hybrid"
    assert result.level == "basic"
    assert result.recommended_channels == ["phone", "whatsapp"]
    assert any("data" in sentence for sentence in result.explanation)


def test_no_video_call_skill_is_never_online():
    assert score_digital_assessment({**AT_EASE, "comfort_video": 1}).recommended_mode == "hybrid"


def test_missing_and_unknown_answers_count_as_the_least_favourable():
    assert score_digital_assessment({}) == score_digital_assessment(
        NO_ACCESS | {"devices": [], "uses": []}
    )
    garbage = {
        "devices": "computer",
        "internet": "fibre",
        "comfort_email": "lots",
        "comfort_video": 9,
    }
    assert score_digital_assessment(garbage).recommended_mode == "in_person"


def test_explanation_in_french():
    with translation.override("fr"):
        result = score_digital_assessment(NO_ACCESS)
    assert "en personne" in result.explanation[0]


@given(answer_sheets)
def test_every_answer_sheet_gives_a_valid_result(answers):
    result = score_digital_assessment(answers)
    assert 0 <= result.score <= 100
    assert result.recommended_mode in {"in_person", "hybrid", "online"}
    assert result.level in {"limited", "basic", "intermediate", "advanced"}
    assert result.recommended_channels, "there is always a way to reach the person"
    assert len(set(result.recommended_channels)) == len(result.recommended_channels)
    if result.recommended_mode == "in_person":
        assert result.recommended_channels[-1] == "in_person"


@given(answer_sheets, st.sampled_from(COMFORT_QUESTIONS))
def test_more_comfort_never_lowers_the_score(answers, question):
    better = {**answers, question: min(3, answers[question] + 1)}
    assert score_digital_assessment(better).score >= score_digital_assessment(answers).score


@given(answer_sheets)
def test_no_internet_is_always_in_person(answers):
    assert score_digital_assessment({**answers, "internet": "none"}).recommended_mode == "in_person"
