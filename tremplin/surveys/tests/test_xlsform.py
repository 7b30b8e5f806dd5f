"""XLSForm: export → import gives the same survey; a hand-written real-world form imports;
unsupported expressions are refused with the row named; the two commands work."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tremplin.surveys.models import Survey
from tremplin.surveys.services import survey_adopt, survey_pages
from tremplin.surveys.templates_data import ensure_network_templates
from tremplin.surveys.xlsform import XLSFormError, xlsform_export, xlsform_import

DATA = Path(__file__).parent / "data"


def _text(value) -> dict:
    data = getattr(value, "data", value)
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if v}
    return {"en": data} if data else {}


def snapshot(survey: Survey) -> dict:
    return {
        "title": _text(survey.title),
        "description": _text(survey.description),
        "languages": survey.languages,
        "anonymous": survey.is_anonymous,
        "pages": [
            {
                "name": page.section.name,
                "title": _text(page.section.title),
                "relevance": page.section.relevance,
                "questions": [
                    {
                        "name": q.name,
                        "type": q.question_type,
                        "label": _text(q.label),
                        "hint": _text(q.hint),
                        "required": q.required,
                        "choices": q.choices,
                        "min": q.min_value,
                        "max": q.max_value,
                        "relevance": q.relevance,
                        "outcome_field": q.outcome_field,
                        "service_type": q.service_type,
                    }
                    for q in page.questions
                ],
            }
            for page in survey_pages(survey)
        ],
    }


@pytest.mark.django_db
def test_every_shipped_template_survives_a_round_trip(agency):
    for template in ensure_network_templates(agency.network):
        survey = survey_adopt(template=template, agency=agency, actor=None)
        again = xlsform_import(data=xlsform_export(survey), agency=agency, actor=None)
        assert snapshot(again) == snapshot(survey)
        assert again.pk != survey.pk


@pytest.mark.django_db
def test_a_hand_written_kobo_form_imports_with_its_skip_logic(agency):
    survey = xlsform_import(
        data=(DATA / "kobo_intake_feedback.xlsx").read_bytes(), agency=agency, actor=None
    )
    shot = snapshot(survey)
    assert shot["title"] == {"en": "Workshop feedback", "fr": "Rétroaction sur l'atelier"}
    names = [q["name"] for page in shot["pages"] for q in page["questions"]]
    assert names == [
        "attended",
        "format",
        "rating",
        "problems",
        "problems_other",
        "age",
        "comments",
    ]
    questions = {q["name"]: q for page in shot["pages"] for q in page["questions"]}
    assert questions["attended"]["type"] == "yes_no"
    assert questions["rating"]["type"] == "likert"
    assert questions["problems"]["type"] == "multiple"
    assert questions["format"]["relevance"] == {"q": "attended", "op": "eq", "value": "yes"}
    assert questions["problems_other"]["relevance"] == {
        "q": "problems",
        "op": "eq",
        "value": "other",
    }
    assert questions["age"]["min"] == 16 and questions["age"]["max"] == 99
    assert shot["pages"][1]["relevance"] == {
        "all": [
            {"q": "attended", "op": "eq", "value": "yes"},
            {"q": "format", "op": "in", "value": ["online", "hybrid"]},
        ]
    }
    assert questions["format"]["choices"][1]["label"] == {"en": "Online", "fr": "En ligne"}


def _form(rows, choices=()):
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label::English (en)", "label::French (fr)", "relevant"])
    for row in rows:
        sheet.append(row)
    sheet2 = book.create_sheet("choices")
    sheet2.append(["list_name", "name", "label::English (en)", "label::French (fr)"])
    for row in choices:
        sheet2.append(row)
    import io

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("relevant", "message"),
    [
        ("${a} = 'x' or count(${a}) > 2", "row 3"),
        ("${later} = 'yes'", "comes later"),
        ("${nowhere} = 'yes'", "does not exist"),
        ("string-length(${a}) > 3", "row 3"),
    ],
)
def test_unsupported_or_forward_expressions_are_refused_with_the_row(agency, relevant, message):
    data = _form(
        [
            ["text", "a", "A", "A fr", ""],
            ["text", "b", "B", "B fr", relevant],
            ["select_one yes_no", "later", "L", "L fr", ""],
        ],
        [["yes_no", "yes", "Yes", "Oui"], ["yes_no", "no", "No", "Non"]],
    )
    with pytest.raises(XLSFormError, match=message):
        xlsform_import(data=data, agency=agency, actor=None)
    assert not Survey.objects.filter(agency=agency).exists()


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused(agency):
    with pytest.raises(XLSFormError):
        xlsform_import(data=b"not a workbook", agency=agency, actor=None)


@pytest.mark.django_db
def test_the_commands_import_and_export(agency, tmp_path, capsys):
    call_command(
        "surveys",
        "import-xlsform",
        str(DATA / "kobo_intake_feedback.xlsx"),
        "--agency",
        agency.slug,
    )
    survey_id = int(capsys.readouterr().out.strip())
    output = tmp_path / "out.xlsx"
    call_command("surveys", "export-xlsform", str(survey_id), "--output", str(output))
    again = xlsform_import(data=output.read_bytes(), agency=agency, actor=None)
    assert snapshot(again)["pages"] == snapshot(Survey.objects.get(pk=survey_id))["pages"]
    with pytest.raises(CommandError):
        call_command(
            "surveys", "import-xlsform", str(DATA / "missing.xlsx"), "--agency", agency.slug
        )
    with pytest.raises(CommandError):
        call_command(
            "surveys", "import-xlsform", str(DATA / "kobo_intake_feedback.xlsx"), "--agency", "nope"
        )


@pytest.mark.django_db
def test_a_third_language_and_every_question_type_survive_a_round_trip(agency):
    from tremplin.surveys.tests.factories import build_survey

    def t(en):
        return {"en": en, "fr": f"{en} fr", "es": f"{en} es"}

    choices = [{"value": v, "label": t(v.upper())} for v in ("a", "b")]
    survey = build_survey(
        agency,
        [
            {
                "name": "single",
                "question_type": "single",
                "choices": choices,
                "label": t("S"),
                "required": True,
            },
            {
                "name": "many",
                "question_type": "multiple",
                "choices": choices,
                "label": t("M"),
                "relevance": {"q": "single", "op": "in", "value": ["a", "b"]},
            },
            {
                "name": "when",
                "question_type": "date",
                "label": t("D"),
                "page": 2,
                "relevance": {
                    "any": [
                        {"q": "many", "op": "ne", "value": "a"},
                        {"q": "single", "op": "answered"},
                    ]
                },
            },
            {
                "name": "count",
                "question_type": "number",
                "min_value": 0,
                "max_value": 9.5,
                "label": t("N"),
                "page": 2,
                "relevance": {"q": "when", "op": "gte", "value": "2026-01-01"},
            },
            {
                "name": "nps",
                "question_type": "nps",
                "label": t("R"),
                "page": 2,
                "relevance": {
                    "not": {
                        "all": [
                            {"q": "count", "op": "gt", "value": 2},
                            {"q": "count", "op": "lte", "value": 5},
                        ]
                    }
                },
            },
            {"name": "free", "question_type": "text", "label": t("T"), "hint": t("H"), "page": 2},
        ],
        languages=["es"],
    )
    again = xlsform_import(data=xlsform_export(survey), agency=agency, actor=None)
    assert again.languages == ["en", "fr", "es"]
    assert snapshot(again) == snapshot(survey)
