"""Forms of the survey pages. Texts are one field per language of the survey; skip logic is
up to three conditions joined by all/any (or a JSON rule for anything more complex)."""

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from i18nfield.strings import LazyI18nString

from tremplin.programs.models import ServiceType
from tremplin.surveys.models import Question, QuestionType, Survey
from tremplin.surveys.services import OUTCOME_FIELDS

MAX_UPLOAD = 2 * 1024 * 1024
CONDITION_ROWS = 3
OPERATOR_CHOICES = [
    ("", "—"),
    ("eq", _("is")),
    ("ne", _("is not")),
    ("in", _("is one of (comma-separated)")),
    ("gt", _("is greater than")),
    ("lt", _("is less than")),
    ("gte", _("is at least")),
    ("lte", _("is at most")),
    ("answered", _("is answered")),
]


def language_name(code: str) -> str:
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def add_text_fields(
    form: forms.Form,
    base: str,
    label: Any,
    languages: list[str],
    *,
    required: bool,
    textarea: bool = False,
) -> None:
    for code in languages:
        form.fields[f"{base}_{code}"] = forms.CharField(
            label=f"{label} ({language_name(code)})",
            required=required and code in ("en", "fr"),
            max_length=2000 if textarea else 200,
            widget=forms.Textarea(attrs={"rows": 2}) if textarea else forms.TextInput,
        )


def text_initial(value: Any, base: str, languages: list[str]) -> dict[str, str]:
    data = getattr(value, "data", value)
    if not isinstance(data, dict):
        data = {"en": data or ""}
    return {f"{base}_{code}": data.get(code, "") for code in languages}


def text_value(cleaned: dict[str, Any], base: str, languages: list[str]) -> LazyI18nString:
    return LazyI18nString(
        {
            code: cleaned.get(f"{base}_{code}", "").strip()
            for code in languages
            if cleaned.get(f"{base}_{code}", "").strip()
        }
    )


class SurveyForm(forms.Form):
    extra_languages = forms.CharField(
        label=_("Other languages"),
        required=False,
        max_length=60,
        help_text=_(
            "Language codes besides English and French, separated by commas (e.g. es, ar)."
        ),
    )
    is_anonymous = forms.BooleanField(label=_("Anonymous responses"), required=False)
    is_active = forms.BooleanField(label=_("Open for responses"), required=False, initial=True)

    def __init__(self, *args: Any, survey: Survey | None = None, **kwargs: Any) -> None:
        self.languages = list(survey.languages) if survey else ["en", "fr"]
        if survey is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **text_initial(survey.title, "title", self.languages),
                **text_initial(survey.description, "description", self.languages),
                "extra_languages": ", ".join(c for c in self.languages if c not in ("en", "fr")),
                "is_anonymous": survey.is_anonymous,
                "is_active": survey.is_active,
            }
        super().__init__(*args, **kwargs)
        add_text_fields(self, "title", _("Title"), self.languages, required=True)
        add_text_fields(
            self, "description", _("Introduction"), self.languages, required=False, textarea=True
        )
        if survey is None:
            del self.fields["is_active"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": text_value(data, "title", self.languages),
            "description": text_value(data, "description", self.languages),
            "languages": ["en", "fr"]
            + [c.strip() for c in data["extra_languages"].split(",") if c.strip()],
            "is_anonymous": data["is_anonymous"],
        }


def rule_from_rows(data: dict[str, Any]) -> Any:
    advanced = (data.get("condition_json") or "").strip()
    if advanced:
        return json.loads(advanced)
    parts = []
    for index in range(1, CONDITION_ROWS + 1):
        name, op = data.get(f"cond_q_{index}"), data.get(f"cond_op_{index}")
        if not name or not op:
            continue
        raw = (data.get(f"cond_value_{index}") or "").strip()
        part: dict[str, Any] = {"q": name, "op": op}
        if op == "in":
            part["value"] = [v.strip() for v in raw.split(",") if v.strip()]
        elif op != "answered":
            part["value"] = raw
        parts.append(part)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return {data.get("cond_join") or "all": parts}


def rows_from_rule(rule: Any) -> dict[str, Any] | None:
    """The condition rows showing `rule`, or None when only the JSON field can show it."""
    if not rule:
        return {}
    if "q" in rule:
        parts, join = [rule], "all"
    elif ("all" in rule or "any" in rule) and all(
        "q" in p for p in rule.get("all", rule.get("any", []))
    ):
        join = "all" if "all" in rule else "any"
        parts = rule[join]
    else:
        return None
    if len(parts) > CONDITION_ROWS:
        return None
    initial: dict[str, Any] = {"cond_join": join}
    for index, part in enumerate(parts, start=1):
        value = part.get("value", "")
        initial[f"cond_q_{index}"] = part["q"]
        initial[f"cond_op_{index}"] = part["op"]
        initial[f"cond_value_{index}"] = (
            ", ".join(map(str, value)) if isinstance(value, list) else value
        )
    return initial


class ConditionFields(forms.Form):
    """Mixed into the page and question forms: the "shown only when" rows."""

    def add_condition_fields(self, earlier: list[Question], rule: Any) -> None:
        names = [("", "—")] + [(q.name, q.name) for q in earlier]
        self.fields["cond_join"] = forms.ChoiceField(
            label=_("Show only when"),
            choices=[("all", _("all of these hold")), ("any", _("any of these holds"))],
            required=False,
        )
        for index in range(1, CONDITION_ROWS + 1):
            self.fields[f"cond_q_{index}"] = forms.ChoiceField(
                label=_("Condition %(n)d: question") % {"n": index}, choices=names, required=False
            )
            self.fields[f"cond_op_{index}"] = forms.ChoiceField(
                label=_("Condition %(n)d: test") % {"n": index},
                choices=OPERATOR_CHOICES,
                required=False,
            )
            self.fields[f"cond_value_{index}"] = forms.CharField(
                label=_("Condition %(n)d: value") % {"n": index}, required=False, max_length=200
            )
        self.fields["condition_json"] = forms.CharField(
            label=_("Advanced condition (JSON)"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Overrides the rows above. See the survey documentation for the format."),
        )
        if not self.is_bound:
            rows = rows_from_rule(rule)
            if rows is None:
                self.initial["condition_json"] = json.dumps(rule, ensure_ascii=False)
            else:
                self.initial.update(rows)

    def clean_condition_json(self) -> str:
        text = (self.cleaned_data.get("condition_json") or "").strip()
        if text:
            try:
                json.loads(text)
            except ValueError:
                raise forms.ValidationError(_("This is not valid JSON.")) from None
        return text

    def rule(self) -> Any:
        return rule_from_rows(self.cleaned_data)


class SectionForm(ConditionFields):
    def __init__(
        self,
        *args: Any,
        survey: Survey,
        section: Any = None,
        earlier: list[Question],
        **kwargs: Any,
    ) -> None:
        self.languages = list(survey.languages)
        super().__init__(*args, **kwargs)
        add_text_fields(self, "title", _("Page title"), self.languages, required=False)
        if section is not None and not self.is_bound:
            self.initial.update(text_initial(section.title, "title", self.languages))
        self.add_condition_fields(earlier, section.relevance if section is not None else None)

    def title(self) -> LazyI18nString:
        return text_value(self.cleaned_data, "title", self.languages)


class QuestionForm(ConditionFields):
    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        help_text=_("Letters, digits and underscores; used in conditions and exports."),
    )
    question_type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices_text = forms.CharField(
        label=_("Options (choice questions)"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One option a line: value | English label | French label (then other languages)."
        ),
    )
    min_value = forms.FloatField(label=_("Smallest number"), required=False)
    max_value = forms.FloatField(label=_("Largest number"), required=False)
    outcome_field = forms.ChoiceField(
        label=_("Fills the outcome field (follow-ups)"),
        required=False,
        choices=[("", "—")] + [(f, f) for f in OUTCOME_FIELDS],
    )
    service_type = forms.ChoiceField(
        label=_("Rates the service element type (staff surveys)"),
        required=False,
        choices=[("", "—"), *ServiceType.choices],
    )

    def __init__(
        self,
        *args: Any,
        survey: Survey,
        question: Question | None = None,
        earlier: list[Question],
        **kwargs: Any,
    ) -> None:
        self.languages = list(survey.languages)
        super().__init__(*args, **kwargs)
        add_text_fields(self, "label", _("Question"), self.languages, required=True, textarea=True)
        add_text_fields(self, "hint", _("Hint"), self.languages, required=False)
        if question is not None and not self.is_bound:
            self.initial.update(
                {
                    "name": question.name,
                    "question_type": question.question_type,
                    "required": question.required,
                    "choices_text": "\n".join(
                        " | ".join(
                            [c["value"], *(c["label"].get(code, "") for code in self.languages)]
                        )
                        for c in question.choices
                    ),
                    "min_value": question.min_value,
                    "max_value": question.max_value,
                    "outcome_field": question.outcome_field,
                    "service_type": question.service_type,
                    **text_initial(question.label, "label", self.languages),
                    **text_initial(question.hint, "hint", self.languages),
                }
            )
        self.add_condition_fields(earlier, question.relevance if question is not None else None)

    def clean_choices_text(self) -> list[dict[str, Any]]:
        choices = []
        for line in (self.cleaned_data.get("choices_text") or "").splitlines():
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split("|")]
            labels = {
                code: text for code, text in zip(self.languages, cells[1:], strict=False) if text
            }
            choices.append({"value": cells[0], "label": labels})
        return choices

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "question_type": data["question_type"],
            "label": text_value(data, "label", self.languages),
            "hint": text_value(data, "hint", self.languages),
            "required": data["required"],
            "choices": data["choices_text"],
            "min_value": data["min_value"],
            "max_value": data["max_value"],
            "relevance": self.rule(),
            "outcome_field": data["outcome_field"],
            "service_type": data["service_type"],
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSForm file (.xlsx)"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an .xlsx file."))
        return upload.read()


class CohortForm(forms.Form):
    """Who gets an invitation: one cohort at a time (GET, for the preview)."""

    cohort = forms.ChoiceField(
        label=_("Invite"),
        choices=[
            ("session", _("The attendees of a session")),
            ("program", _("The clients who completed a program")),
            ("course", _("The learners of a course")),
            ("client", _("One client")),
            ("staff", _("The agency's staff")),
        ],
    )
    session = forms.ChoiceField(label=_("Session"), required=False)
    program = forms.ChoiceField(label=_("Program"), required=False)
    course = forms.ChoiceField(label=_("Course"), required=False)
    client = forms.IntegerField(label=_("Client number"), required=False, min_value=1)

    def __init__(
        self, *args: Any, sessions: Any, programs: Any, courses: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["session"]).choices = [("", "—")] + [
            (str(s.pk), f"{s.title} · {s.starts_at:%Y-%m-%d}") for s in sessions
        ]
        cast(forms.ChoiceField, self.fields["program"]).choices = [("", "—")] + [
            (str(p.pk), str(p.title)) for p in programs
        ]
        cast(forms.ChoiceField, self.fields["course"]).choices = [("", "—")] + [
            (str(c.pk), str(c.title)) for c in courses
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cohort = data.get("cohort")
        if cohort in ("session", "program", "course", "client") and not data.get(cohort):
            self.add_error(cohort, _("Choose one."))
        return data


class SettingsForm(forms.Form):
    end_of_program_survey = forms.ChoiceField(label=_("End-of-program survey"), required=False)
    follow_up_survey = forms.ChoiceField(label=_("Employment follow-up survey"), required=False)
    follow_up_basis = forms.ChoiceField(label=_("Follow-ups count from"))
    reminder_after_days = forms.IntegerField(
        label=_("Reminder after (days, 0 for none)"), min_value=0, max_value=364
    )
    valid_days = forms.IntegerField(
        label=_("Links expire after (days)"), min_value=1, max_value=365
    )

    def __init__(self, *args: Any, surveys: Any, **kwargs: Any) -> None:
        from tremplin.surveys.models import SurveySettings

        super().__init__(*args, **kwargs)
        choices = [("", _("None (no automatic invitation)"))] + [
            (str(s.pk), str(s.title)) for s in surveys
        ]
        cast(forms.ChoiceField, self.fields["end_of_program_survey"]).choices = choices
        cast(forms.ChoiceField, self.fields["follow_up_survey"]).choices = choices
        cast(
            forms.ChoiceField, self.fields["follow_up_basis"]
        ).choices = SurveySettings.FollowUpBasis.choices
