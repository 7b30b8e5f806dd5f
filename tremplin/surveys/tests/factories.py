"""Surveys built through the services, as staff would build them."""

from typing import Any

from tremplin.surveys import services
from tremplin.surveys.models import Section, Survey


def T(en: str, fr: str | None = None) -> dict[str, str]:  # noqa: N802
    return {"en": en, "fr": fr or f"{en} (fr)"}


def build_survey(agency, questions: list[dict[str, Any]], **survey_fields: Any) -> Survey:
    """questions: dicts of question fields plus an optional "page" (1-based) key."""
    survey = services.survey_create(
        agency=agency,
        actor=None,
        title=survey_fields.pop("title", T("Test survey")),
        **survey_fields,
    )
    sections: dict[int, Section] = {1: survey.sections.get()}
    for fields in questions:
        fields = dict(fields)
        page = fields.pop("page", 1)
        if page not in sections:
            sections[page] = services.section_create(
                survey=survey, actor=None, title=T(f"Page {page}")
            )
        fields.setdefault("label", T(fields["name"]))
        services.question_create(section=sections[page], actor=None, **fields)
    return survey


def yes_no_choices() -> list[dict[str, Any]]:
    return [
        {"value": "a", "label": T("A")},
        {"value": "b", "label": T("B")},
        {"value": "c", "label": T("C")},
    ]
