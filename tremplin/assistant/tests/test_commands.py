import json

import pytest
from django.core.management import CommandError, call_command

from tremplin.assistant.models import (
    AgencyFacts,
    AssistantBrain,
    IntentAnswer,
    IntentExample,
    KnowledgeIntent,
)
from tremplin.assistant.tests.factories import KB_PATH, repository_knowledge_base

pytestmark = pytest.mark.django_db

SMALL_KB = """\
agency: Test agency
default_language: en
intents:
  - id: greeting
    kind: action
    examples:
      en: ["hi", "hello", "good morning", "hey there"]
      fr: ["bonjour", "salut", "allo", "bonsoir"]
    answer:
      en: "Greets the client."
      fr: "Salue la personne."
  - id: office_hours
    kind: faq
    examples:
      en: ["when are you open", "what are your hours", "are you open on saturday", "opening hours"]
      fr: ["quelles sont vos heures", "êtes-vous ouverts samedi", "heures d'ouverture", "vous ouvrez quand"]
    answer:
      en: "We are open Monday to Friday, 8:30 to 4:30."
      fr: "Nous sommes ouverts du lundi au vendredi, de 8 h 30 à 16 h 30."
  - id: resume_help
    kind: faq
    examples:
      en: ["can you help with my resume", "resume workshop", "I need a cover letter", "review my CV"]
      fr: ["aide pour mon CV", "atelier CV", "lettre de présentation", "réviser mon CV"]
    answer:
      en: "Our resume workshop helps you write a Canadian resume."
      fr: "Notre atelier CV vous aide à rédiger un CV canadien."
"""


def write(tmp_path, text: str, name: str = "kb.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_kb_replaces_the_agencys_knowledge_base(tmp_path, agency, capsys):
    call_command("assistant", "import-kb", str(KB_PATH), "--agency", agency.slug, "--no-train")
    assert KnowledgeIntent.objects.filter(agency=agency).count() == len(
        repository_knowledge_base().intents
    )
    assert AgencyFacts.objects.get(agency=agency).opening_days == [0, 1, 2, 3, 4]
    call_command(
        "assistant", "import-kb", write(tmp_path, SMALL_KB), "--agency", agency.slug, "--no-train"
    )
    assert sorted(
        KnowledgeIntent.objects.filter(agency=agency).values_list("intent_id", flat=True)
    ) == ["greeting", "office_hours", "resume_help"]
    assert IntentExample.objects.filter(agency=agency).count() == 24
    assert IntentAnswer.objects.get(
        agency=agency, intent__intent_id="office_hours", language="fr"
    ).text.startswith("Nous")
    assert AssistantBrain.objects.get(agency=agency).kb_version == 2
    assert "imported 3 intents" in capsys.readouterr().out


BROKEN = {
    "unknown key": (
        SMALL_KB.replace('    answer:\n      en: "We are', '    answers:\n      en: "We are'),
        "line 17: unknown key 'answers'",
    ),
    "missing answer": (
        SMALL_KB.replace('      fr: "Notre atelier CV vous aide à rédiger un CV canadien."\n', ""),
        "line 26: missing answer 'fr'",
    ),
    "duplicate id": (
        SMALL_KB.replace("id: resume_help", "id: greeting"),
        "line 20: duplicate intent id 'greeting'",
    ),
}


@pytest.mark.parametrize("problem", sorted(BROKEN))
def test_import_kb_names_the_line_and_changes_nothing(tmp_path, agency, problem):
    call_command(
        "assistant", "import-kb", write(tmp_path, SMALL_KB), "--agency", agency.slug, "--no-train"
    )
    before = list(IntentExample.objects.filter(agency=agency).values_list("id", "text"))
    text, expected = BROKEN[problem]
    with pytest.raises(CommandError, match=expected):
        call_command(
            "assistant", "import-kb", write(tmp_path, text, "broken.yaml"), "--agency", agency.slug
        )
    assert list(IntentExample.objects.filter(agency=agency).values_list("id", "text")) == before
    assert AssistantBrain.objects.get(agency=agency).kb_version == 1


SHARED_PART = "\n".join(
    line
    for line in SMALL_KB.replace("Greets the client.", "Greets the client for {agency}.")
    .replace("Our resume workshop", "Call {phone}: our resume workshop")
    .replace("Notre atelier CV", "Appelez le {phone} : notre atelier CV")
    .splitlines()
    if not line.startswith(("agency:", "default_language:"))
)
AGENCY_PART = """\
agency: Moncton agency
default_language: fr
shared: shared.yaml
facts:
  phone: 506-555-0100
  opening_days: [mon, tue, wed, thu]
  opening_hours: "09:00-16:00"
  holidays: [christmas, new_brunswick_day]
answers:
  office_hours:
    en: "Monday to Thursday."
    fr: "Du lundi au jeudi."
"""


def test_an_agency_file_adds_its_facts_and_answers_to_the_shared_part(tmp_path, agency):
    write(tmp_path, SHARED_PART, "shared.yaml")
    call_command(
        "assistant",
        "import-kb",
        write(tmp_path, AGENCY_PART),
        "--agency",
        agency.slug,
        "--no-train",
    )
    answers = dict(
        IntentAnswer.objects.filter(agency=agency)
        .values_list("intent__intent_id", "text")
        .filter(language="fr")
    )
    assert answers["office_hours"] == "Du lundi au jeudi."  # the agency's own answer
    assert answers["resume_help"].startswith("Appelez le 506-555-0100 :")  # its phone
    facts = AgencyFacts.objects.get(agency=agency)
    assert (facts.opening_days, facts.opens.hour, facts.closes.hour) == ([0, 1, 2, 3], 9, 16)
    assert facts.holidays == ["christmas", "new_brunswick_day"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  phone: 506-555-0100\n", ""), "names {phone}, which is not a fact of this agency"),
        (("opening_days: [mon,", "opening_days: [monday,"), "line 6: unknown value 'monday'"),
        (('"09:00-16:00"', '"9 to 4"'), "line 7: opening_hours is written like 08:30-16:30"),
        (("  office_hours:", "  opening:"), "line 10: answers for unknown intent 'opening'"),
        (("shared: shared.yaml", "shared: elsewhere.yaml"), "line 3: cannot read the shared part"),
    ],
)
def test_agency_file_errors_name_the_line(tmp_path, agency, change, expected):
    write(tmp_path, SHARED_PART, "shared.yaml")
    with pytest.raises(CommandError, match=expected):
        call_command(
            "assistant",
            "import-kb",
            write(tmp_path, AGENCY_PART.replace(*change)),
            "--agency",
            agency.slug,
        )


def test_the_shared_part_alone_is_not_an_agency_knowledge_base(tmp_path, agency):
    with pytest.raises(CommandError, match="missing 'agency'.*shared part"):
        call_command(
            "assistant", "import-kb", write(tmp_path, SHARED_PART), "--agency", agency.slug
        )


def test_import_kb_refuses_unknown_agencies_and_unreadable_files(tmp_path, agency):
    with pytest.raises(CommandError, match="No agency"):
        call_command("assistant", "import-kb", str(KB_PATH), "--agency", "nowhere")
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "assistant", "import-kb", str(tmp_path / "missing.yaml"), "--agency", agency.slug
        )


def test_import_and_train_then_train_command(tmp_path, agency, capsys):
    call_command("assistant", "import-kb", write(tmp_path, SMALL_KB), "--agency", agency.slug)
    brain = AssistantBrain.objects.get(agency=agency)
    assert brain.trained_version == brain.kb_version == 1 and brain.model_revision == 1
    call_command("assistant", "train", "--agency", agency.slug)
    assert AssistantBrain.objects.get(agency=agency).model_revision == 2
    assert "trained on 24 examples" in capsys.readouterr().out


def test_eval_prints_figures_and_ends_with_one_json_line(tmp_path, capsys):
    cases = [
        {"text": "hello!", "lang": "en", "expected": "greeting"},
        {"text": "bonjour", "lang": "fr", "expected": "greeting"},
        {"text": "what time do you open", "lang": "en", "expected": "office_hours"},
        {"text": "who won the hockey game last night?", "lang": "en", "expected": "out_of_scope"},
    ]
    cases_path = tmp_path / "cases.jsonl"
    cases_path.write_text("\n".join(json.dumps(case) for case in cases), encoding="utf-8")
    call_command(
        "assistant", "eval", "--kb", write(tmp_path, SMALL_KB), "--cases", str(cases_path), "--json"
    )
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert {"accuracy", "per_language", "oos_precision", "oos_recall", "p50_ms", "p95_ms"} <= set(
        figures
    )
    assert set(figures["per_language"]) == {"en", "fr"}
    assert any(line.startswith("accuracy") for line in lines[:-1])


def test_eval_reports_an_invalid_knowledge_base(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"text": "hi", "lang": "en", "expected": "greeting"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid"):
        call_command(
            "assistant",
            "eval",
            "--kb",
            write(tmp_path, BROKEN["duplicate id"][0]),
            "--cases",
            str(cases),
        )
