"""Language understanding core: real models, no mocks, no Django.

/tmp/probe/bin/python -m pytest tremplin/assistant/tests/test_nlu.py -p no:django -p no:cacheprovider
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from tremplin.assistant.nlu import (
    EmbeddingCache,
    KnowledgeBaseError,
    Understanding,
    evaluate_cases,
    identify_language,
    load_knowledge_base,
    train,
    train_from_examples,
)
from tremplin.assistant.nlu.engine import NEGATIVES_PATH, SOCIAL_PHRASES_PATH
from tremplin.assistant.nlu.entities import extract_entities

ASSISTANT_DIR = Path(__file__).resolve().parents[1]
KB_PATH = ASSISTANT_DIR / "kb" / "agencies" / "pnec.yaml"
DEV_CASES_PATH = Path(__file__).with_name("data") / "dev-cases.jsonl"
HELDOUT_CASES_PATH = Path(__file__).with_name("data") / "heldout-cases.jsonl"
EDMONTON = ZoneInfo("America/Edmonton")
# A Wednesday morning.
NOW = datetime(2026, 11, 18, 10, 30, tzinfo=EDMONTON)


def _cases(path: Path) -> list[dict[str, str]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base(KB_PATH.read_text(encoding="utf-8"), source=str(KB_PATH))


@pytest.fixture(scope="module")
def cache():
    return EmbeddingCache()


@pytest.fixture(scope="module")
def understanding(kb, cache) -> Understanding:
    return train(kb, cache=cache)


# --- knowledge base ------------------------------------------------------------

VALID_KB = """\
agency: Test Centre
default_language: en
intents:
  - id: greeting
    kind: action
    examples:
      en: ["hi", "hello"]
      fr: ["bonjour"]
    answer:
      en: "Hello!"
      fr: "Bonjour!"
  - id: office_hours
    kind: faq
    examples:
      en: ["when are you open"]
    answer:
      en: "9 to 5."
"""


def test_kb_loads(kb):
    assert kb.agency == "Prairie Newcomer Employment Centre"
    # An agency's file: the shared intents (kb/intents.yaml) with the agency's facts filled in.
    assert len(kb.intents) >= 39
    assert kb.facts is not None and kb.facts.phone == "403-555-0142"
    assert "403-555-0142" in kb.intent("contact_info").answers["en"]
    assert not any("{" in text for intent in kb.intents for text in intent.answers.values())
    greeting = kb.intent("greeting")
    assert greeting.kind == "action" and "hello" in greeting.examples["en"]
    assert set(greeting.answers) == {"en", "fr"}
    small = load_knowledge_base(VALID_KB)
    assert [intent.id for intent in small.intents] == ["greeting", "office_hours"]
    assert ("office_hours", "en", "when are you open") in small.training_examples()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '    examples:\n      en: ["hi"',
            '    exemples:\n      en: ["hi"',
            "line 6: unknown key 'exemples' in intent 'greeting'",
        ),
        (
            '    answer:\n      en: "9 to 5."\n',
            "",
            "line 12: missing answer in intent 'office_hours'",
        ),
        (
            "  - id: office_hours",
            "  - id: greeting",
            "line 12: duplicate intent id 'greeting' (first defined on line 4)",
        ),
        (
            "    kind: faq",
            "    kind: question",
            "line 13: bad kind 'question' in intent 'office_hours'",
        ),
        (
            '      en: ["when are you open"]',
            "      en: []",
            "line 15: empty examples 'en' in intent 'office_hours'",
        ),
        ('      fr: "Bonjour!"\n', "", "line 10: missing answer 'fr' in intent 'greeting'"),
        (
            "agency: Test Centre",
            "agency: Test Centre\ncolour: blue",
            "line 2: unknown key 'colour'",
        ),
        ('      en: ["hi", "hello"]', '      en: ["hi", "hello"', "line 8: YAML syntax error"),
    ],
)
def test_kb_errors_name_the_line(old, new, expected):
    assert old in VALID_KB
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(VALID_KB.replace(old, new, 1))
    assert str(error.value).startswith(expected), str(error.value)


def test_training_data_never_copies_evaluation_messages(kb):
    """Guard against tuning on the dev set: no dev text in any training source."""
    dev_texts = {case["text"].casefold().strip() for case in _cases(DEV_CASES_PATH)}
    training = [text for _, _, text in kb.training_examples()]
    training += [
        text for texts in yaml.safe_load(NEGATIVES_PATH.read_text()).values() for text in texts
    ]
    social = yaml.safe_load(SOCIAL_PHRASES_PATH.read_text())
    training += [
        text for by_lang in social.values() for texts in by_lang.values() for text in texts
    ]
    assert not [text for text in training if text.casefold().strip() in dev_texts]


# --- language identification ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("can u help me with my resume pls", "en"),
        ("jveux m'inscrire a l'atelier svp", "fr"),
        ("¿dónde está la oficina?", "es"),
        ("ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ", "pa"),
        ("我想报名", "zh"),
        ("Дякую, все зрозуміло", "uk"),
        ("می‌خواهم ثبت نام کنم", "fa"),
        ("أريد التسجيل في الورشة", "ar"),
        ("kailangan ko po ng trabaho", "tl"),
    ],
)
def test_language_identification(text, lang):
    assert identify_language(text) == lang


# --- entities ---------------------------------------------------------------------


def _at(day: int, hour: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=EDMONTON)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anything today?", (_at(18), _at(19))),
        ("is there a workshop tomorrow", (_at(19), _at(20))),
        ("sign me up for next Tuesday", (_at(24), _at(25))),
        ("any sessions Tuesday evening?", (_at(24, 17), _at(24, 22))),
        ("friday morning works for me", (_at(20, 8), _at(20, 12))),
        ("what's on next week", (_at(23), _at(30))),
        ("what's on this week", (NOW, _at(23))),
        ("the hiring event on March 3", (_at(3, month=3, year=2027), _at(4, month=3, year=2027))),
        ("demain après-midi", (_at(19, 12), _at(19, 17))),
        ("mardi prochain svp", (_at(24), _at(25))),
        ("y a-t-il un atelier ce soir", (_at(18, 17), _at(18, 22))),
        ("la semaine prochaine", (_at(23), _at(30))),
        ("le 3 mars", (_at(3, month=3, year=2027), _at(4, month=3, year=2027))),
        ("lundi matin", (_at(23, 8), _at(23, 12))),
        ("le 25 novembre", (_at(25), _at(26))),
    ],
)
def test_date_ranges(text, expected):
    assert extract_entities(text, now=NOW)["date_range"] == expected


@pytest.mark.parametrize(
    ("text", "mode", "topic"),
    [
        ("I want the resume workshop in person", "in_person", "resume"),
        ("atelier CV en ligne svp", "online", "resume"),
        ("is the job fair on zoom?", "online", "hiring_event"),
        ("simulation d'entrevue en personne", "in_person", "interview"),
        ("le salon de l'emploi est virtuel?", "online", "hiring_event"),
        ("is the networking circle hybrid", "hybrid", "networking"),
        ("mentoring program", None, "mentoring"),
        ("cours de compétences numériques", None, "digital_skills"),
        ("workplace communication course online", "online", "workplace_communication"),
        ("book my intake appointment", None, "intake"),
    ],
)
def test_mode_and_topic(text, mode, topic):
    entities = extract_entities(text, now=NOW)
    assert entities.get("mode") == mode
    assert entities.get("topic") == topic


def test_no_entities_in_plain_question():
    assert extract_entities("may I ask a question?", now=NOW) == {}


# --- intents ------------------------------------------------------------------------


def test_prediction_shape(understanding):
    prediction = understanding.predict(
        "register me for the resume workshop next tuesday online", now=NOW
    )
    assert prediction.intent == "register_for_session"
    assert prediction.decision in ("answer", "clarify")
    assert 0.0 <= prediction.confidence <= 1.0
    assert (
        len(prediction.alternatives) == 2
        and prediction.alternatives[0][0] == "register_for_session"
    )
    assert prediction.entities["mode"] == "online" and prediction.entities["topic"] == "resume"
    assert prediction.entities["date_range"] == (_at(24), _at(25))
    off_topic = understanding.predict("who will win the world series")
    assert off_topic.decision == "out_of_scope" and off_topic.intent is None


def test_dev_cases_meet_targets(understanding):
    figures = evaluate_cases(understanding, _cases(DEV_CASES_PATH))
    for lang in ("en", "fr"):
        assert figures["per_language"][lang] >= 0.95, figures["per_language"]
    for lang, accuracy in figures["per_language"].items():
        assert accuracy >= 0.80, (lang, figures["per_language"])
    assert figures["oos_precision"] >= 0.85 and figures["oos_recall"] >= 0.85, figures


def test_heldout_cases_generalise(understanding):
    figures = evaluate_cases(understanding, _cases(HELDOUT_CASES_PATH))
    assert figures["accuracy"] >= 0.80, figures
    assert figures["oos_recall"] >= 0.70, figures


def test_new_example_goes_live(kb, cache, understanding):
    question = "can I park my car at your building"
    assert understanding.predict(question).intent != "parking"
    examples = kb.training_examples() + [
        ("parking", "en", "is there parking at your office"),
        ("parking", "en", "where do I leave my car when I come in"),
        ("parking", "fr", "y a-t-il un stationnement au bureau"),
    ]
    retrained = train_from_examples(examples, cache=cache, previous=understanding)
    prediction = retrained.predict(question)
    assert prediction.intent == "parking" and prediction.decision != "out_of_scope"


def test_save_and_load_round_trip(understanding, tmp_path):
    path = tmp_path / "assistant.pkl"
    understanding.save(path)
    loaded = Understanding.load(path)
    for text in ("how much does it cost", "je veux annuler mon inscription", "tell me a joke"):
        before, after = understanding.predict(text, now=NOW), loaded.predict(text, now=NOW)
        assert (after.intent, after.decision, after.alternatives) == (
            before.intent,
            before.decision,
            before.alternatives,
        )


# --- noise and openings -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "noise"),
    [
        ("asdfghjkl", True),
        ("zzzzzz", True),
        ("hahahaha", True),
        ("ㅋㅋㅋ", True),
        ("xvcbn qwrtz", True),
        ("hi", False),
        ("thx", False),
        ("rdv svp", False),
        ("我想报名", False),
        ("ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ", False),
        ("أريد التسجيل", False),
        ("byebye", False),
        ("????", False),
    ],
)
def test_noise_is_script_aware(text, noise):
    from tremplin.assistant.nlu.noise import is_noise

    assert is_noise(text) is noise


def test_no_training_example_is_noise(kb):
    from tremplin.assistant.nlu.engine import load_social_phrases
    from tremplin.assistant.nlu.noise import is_noise

    examples = kb.training_examples()
    rows = examples + load_social_phrases({intent for intent, _, _ in examples})
    assert not [text for _, _, text in rows if is_noise(text)]


def test_noise_is_out_of_scope(understanding):
    assert understanding.predict("qwertyuiop").decision == "out_of_scope"


def test_greeting_then_request_answers_the_request(understanding):
    assert understanding.predict("hello! what time do you open on monday?").intent == "office_hours"
    assert understanding.predict("bonjour").intent == "greeting"
    assert understanding.predict("thank you so much").intent == "thanks"
