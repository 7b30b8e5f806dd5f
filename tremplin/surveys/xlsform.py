"""XLSForm (KoboToolbox / ODK) import and export with openpyxl.

What we read and write (see docs/surveys.md):

- `survey` sheet: `type`, `name`, `label::English (en)`, `label::French (fr)` (any
  `label::Name (code)`), `hint::…`, `required`, `relevant`, `constraint` (numbers only:
  `. >= 0 and . <= 80`), and our own `tremplin_outcome`, `tremplin_service_type` columns.
  Types: `begin_group`/`end_group` (a page), `select_one LIST`, `select_multiple LIST`,
  `integer`, `decimal`, `date`, `text`; `select_one yes_no` with values yes/no is a yes/no
  question, `select_one likert5` (1…5) a Likert scale, `select_one nps11` (0…10) a
  recommendation score. Metadata types (start, end, today, deviceid, …) and notes are skipped.
- `choices` sheet: `list_name`, `name`, `label::…`.
- `settings` sheet: `form_title`, `form_id`, `default_language`, and our `form_title::…`,
  `description::…`, `anonymous` columns.
- `relevant` expressions: `${q} = 'v'`, `!=`, `>`, `<`, `>=`, `<=` (with a quoted text, a
  number or `date('YYYY-MM-DD')`), `selected(${q}, 'v')`, `${q} != ''` (answered), `and`, `or`,
  `not(…)`, parentheses. Anything else is refused with its row named.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency
from tremplin.audit.services import audit_log
from tremplin.surveys import rules
from tremplin.surveys.models import Question, QuestionType, Section, Survey
from tremplin.surveys.services import (
    CHOICE_RE,
    NAME_RE,
    Actor,
    _check_languages,
    survey_check_rules,
    survey_pages,
)

LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "ar": "Arabic"}
KNOWN_NAMES = {"english": "en", "french": "fr", "français": "fr", "francais": "fr"}
SPECIAL_LISTS = {
    "yes_no": (QuestionType.YES_NO, ["yes", "no"]),
    "likert5": (QuestionType.LIKERT, ["1", "2", "3", "4", "5"]),
    "nps11": (QuestionType.NPS, [str(n) for n in range(11)]),
}
SPECIAL_LABELS = {
    "yes_no": [{"en": "Yes", "fr": "Oui"}, {"en": "No", "fr": "Non"}],
    "likert5": [
        {"en": "Strongly disagree", "fr": "Pas du tout d'accord"},
        {"en": "Disagree", "fr": "Pas d'accord"},
        {"en": "Neutral", "fr": "Neutre"},
        {"en": "Agree", "fr": "D'accord"},
        {"en": "Strongly agree", "fr": "Tout à fait d'accord"},
    ],
    "nps11": [{"en": str(n), "fr": str(n)} for n in range(11)],
}
SKIPPED_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "note",
    "calculate",
    "start-geopoint",
}
SIMPLE_TYPES = {
    "integer": QuestionType.NUMBER,
    "decimal": QuestionType.NUMBER,
    "date": QuestionType.DATE,
    "text": QuestionType.TEXT,
}
MAX_ROWS = 2000


class XLSFormError(ValueError):
    """An XLSForm we cannot import; the message names the sheet and row."""


# ---------------------------------------------------------------------------------------------
# Expressions


TOKEN_RE = re.compile(
    r"\s*(?:(?P<ref>\$\{[A-Za-z_][A-Za-z0-9_\-.]*\})|(?P<str>'[^']*'|\"[^\"]*\")|"
    r"(?P<num>-?\d+(?:\.\d+)?)|(?P<op>!=|>=|<=|=|>|<)|(?P<punct>[(),])|"
    r"(?P<word>[A-Za-z][A-Za-z0-9_\-]*))"
)


@dataclass
class _Tokens:
    items: list[tuple[str, str]]
    pos: int = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self, kind: str | None = None, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (text and token[1] != text):
            raise XLSFormError(_("unexpected end or symbol in the expression"))
        self.pos += 1
        return token


def _tokenize(expression: str) -> _Tokens:
    items: list[tuple[str, str]] = []
    pos = 0
    text = expression.strip()
    while pos < len(text):
        match = TOKEN_RE.match(text, pos)
        if match is None or match.end() == pos:
            raise XLSFormError(_("“%(text)s” is not supported") % {"text": text[pos : pos + 20]})
        kind = match.lastgroup or ""
        items.append((kind, match.group(kind)))
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return _Tokens(items)


def parse_relevant(expression: str) -> Any:
    """An XLSForm `relevant` expression as a rule (not yet validated against the survey)."""
    if not expression or not expression.strip():
        return None
    tokens = _tokenize(expression)
    rule = _parse_or(tokens)
    if tokens.peek() is not None:
        raise XLSFormError(_("“%(text)s” is not supported") % {"text": tokens.peek()[1]})  # type: ignore[index]
    return rule


def _parse_or(tokens: _Tokens) -> Any:
    parts = [_parse_and(tokens)]
    while tokens.peek() == ("word", "or"):
        tokens.take()
        parts.append(_parse_and(tokens))
    return parts[0] if len(parts) == 1 else {"any": parts}


def _parse_and(tokens: _Tokens) -> Any:
    parts = [_parse_unary(tokens)]
    while tokens.peek() == ("word", "and"):
        tokens.take()
        parts.append(_parse_unary(tokens))
    return parts[0] if len(parts) == 1 else {"all": parts}


def _parse_unary(tokens: _Tokens) -> Any:
    token = tokens.peek()
    if token == ("word", "not"):
        tokens.take()
        tokens.take("punct", "(")
        inner = _parse_or(tokens)
        tokens.take("punct", ")")
        return {"not": inner}
    if token == ("punct", "("):
        tokens.take()
        inner = _parse_or(tokens)
        tokens.take("punct", ")")
        return inner
    if token == ("word", "selected"):
        tokens.take()
        tokens.take("punct", "(")
        ref = tokens.take("ref")[1]
        tokens.take("punct", ",")
        value = _literal(tokens)
        tokens.take("punct", ")")
        return {"q": ref[2:-1], "op": "eq", "value": value, "_selected": True}
    if token is not None and token[0] == "ref":
        name = tokens.take()[1][2:-1]
        op = tokens.take("op")[1]
        value = _literal(tokens)
        if value == "" and op in ("!=", "="):
            answered = {"q": name, "op": "answered"}
            return answered if op == "!=" else {"not": answered}
        return {
            "q": name,
            "op": {"=": "eq", "!=": "ne", ">": "gt", "<": "lt", ">=": "gte", "<=": "lte"}[op],
            "value": value,
        }
    raise XLSFormError(
        _("“%(text)s” is not supported") % {"text": token[1] if token else _("end of expression")}
    )


def _literal(tokens: _Tokens) -> Any:
    token = tokens.peek()
    if token is None:
        raise XLSFormError(_("a value is missing"))
    if token[0] == "str":
        tokens.take()
        return token[1][1:-1]
    if token[0] == "num":
        tokens.take()
        number = float(token[1])
        return int(number) if number.is_integer() else number
    if token == ("word", "date"):
        tokens.take()
        tokens.take("punct", "(")
        value = tokens.take("str")[1][1:-1]
        tokens.take("punct", ")")
        return value
    raise XLSFormError(_("“%(text)s” is not a supported value") % {"text": token[1]})


def _strip_markers(rule: Any) -> Any:
    if not rule:
        return rule
    if "q" in rule:
        return {k: v for k, v in rule.items() if not k.startswith("_")}
    if "not" in rule:
        return {"not": _strip_markers(rule["not"])}
    key = "all" if "all" in rule else "any"
    return {key: [_strip_markers(part) for part in rule[key]]}


def rule_to_expression(rule: Any, types: dict[str, str]) -> str:
    if not rule:
        return ""
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        joiner = " and " if key == "all" else " or "
        return joiner.join(_wrapped(part, types) for part in rule[key])
    if "not" in rule:
        return f"not({rule_to_expression(rule['not'], types)})"
    name, op = rule["q"], rule["op"]
    ref = "${" + name + "}"
    if op == "answered":
        return f"{ref} != ''"
    qtype = types.get(name, "")
    if op == "in":
        return (
            "("
            + " or ".join(
                rule_to_expression({"q": name, "op": "eq", "value": v}, types)
                for v in rule["value"]
            )
            + ")"
        )
    value = rule["value"]
    if qtype == QuestionType.MULTIPLE:
        selected = f"selected({ref}, {_quote(value)})"
        return selected if op == "eq" else f"not({selected})"
    symbol = {"eq": "=", "ne": "!=", "gt": ">", "lt": "<", "gte": ">=", "lte": "<="}[op]
    if qtype in rules.NUMERIC_TYPES:
        literal = _number(value)
    elif qtype == QuestionType.DATE and op in rules.ORDERED_OPERATORS:
        literal = f"date({_quote(value)})"
    else:
        literal = _quote(value)
    return f"{ref} {symbol} {literal}"


def _wrapped(rule: Any, types: dict[str, str]) -> str:
    text = rule_to_expression(rule, types)
    return f"({text})" if ("all" in rule or "any" in rule) else text


def _quote(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if "'" in text else f"'{text}'"


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


# ---------------------------------------------------------------------------------------------
# Import


@dataclass
class _Header:
    columns: dict[str, int]
    labels: dict[str, int] = field(default_factory=dict)  # language code → column
    hints: dict[str, int] = field(default_factory=dict)
    titles: dict[str, int] = field(default_factory=dict)
    descriptions: dict[str, int] = field(default_factory=dict)


LANG_COLUMN_RE = re.compile(
    r"^(?P<base>[a-z_]+)::\s*(?P<name>[^(]*?)\s*(?:\((?P<code>[A-Za-z\-]+)\))?\s*$"
)


def _header(row: tuple[Any, ...], sheet: str) -> _Header:
    header = _Header(columns={})
    for index, cell in enumerate(row):
        if cell is None:
            continue
        title = str(cell).strip()
        match = LANG_COLUMN_RE.match(title.lower()) if "::" in title else None
        if match:
            code = (match.group("code") or KNOWN_NAMES.get(match.group("name").strip(), "")).lower()
            if not code:
                raise XLSFormError(
                    _(
                        "Sheet “%(sheet)s”: the column “%(column)s” does not name its language, as in “label::English (en)”."
                    )
                    % {"sheet": sheet, "column": title}
                )
            target = {
                "label": header.labels,
                "hint": header.hints,
                "form_title": header.titles,
                "description": header.descriptions,
            }.get(match.group("base"))
            if target is not None:
                target[code] = index
            continue
        header.columns[title.lower()] = index
    if "label" in header.columns and "en" not in header.labels:
        header.labels["en"] = header.columns["label"]
    if "hint" in header.columns and "en" not in header.hints:
        header.hints["en"] = header.columns["hint"]
    return header


def _cell(row: tuple[Any, ...], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _texts(row: tuple[Any, ...], columns: dict[str, int]) -> dict[str, str]:
    return {code: _cell(row, index) for code, index in columns.items() if _cell(row, index)}


def _rows(workbook: Any, name: str) -> list[tuple[Any, ...]]:
    if name not in workbook.sheetnames:
        return []
    rows = list(workbook[name].iter_rows(values_only=True))
    if len(rows) > MAX_ROWS:
        raise XLSFormError(_("The sheet “%(sheet)s” has too many rows.") % {"sheet": name})
    return rows


@dataclass
class _Choices:
    values: list[str]
    labels: list[dict[str, str]]


def _read_choices(workbook: Any, languages: set[str]) -> dict[str, _Choices]:
    rows = _rows(workbook, "choices")
    if not rows:
        return {}
    header = _header(rows[0], "choices")
    languages.update(header.labels)
    lists: dict[str, _Choices] = {}
    for number, row in enumerate(rows[1:], start=2):
        list_name = _cell(row, header.columns.get("list_name", header.columns.get("list name")))
        value = _cell(row, header.columns.get("name"))
        if not list_name and not value:
            continue
        if not CHOICE_RE.match(value):
            raise XLSFormError(
                _("Sheet “choices”, row %(row)d: “%(value)s” is not a valid option name.")
                % {"row": number, "value": value}
            )
        entry = lists.setdefault(list_name, _Choices([], []))
        if value in entry.values:
            raise XLSFormError(
                _(
                    "Sheet “choices”, row %(row)d: the option “%(value)s” is listed twice in “%(list)s”."
                )
                % {"row": number, "value": value, "list": list_name}
            )
        entry.values.append(value)
        entry.labels.append(_texts(row, header.labels))
    return lists


def _bool(text: str) -> bool:
    return text.strip().lower() in ("yes", "true", "true()", "1", "y", "oui")


CONSTRAINT_RE = re.compile(r"^\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$")


def _constraint(text: str) -> tuple[float | None, float | None]:
    low: float | None = None
    high: float | None = None
    for part in re.split(r"\s+and\s+", text.strip()):
        match = CONSTRAINT_RE.match(part.strip())
        if match is None:
            raise XLSFormError(_("only constraints such as “. >= 0 and . <= 80” are supported"))
        op, number = match.group(1), float(match.group(2))
        if op.startswith(">"):
            low = number
        else:
            high = number
    return low, high


@dataclass
class _QuestionRow:
    row: int
    section: int
    fields: dict[str, Any]


@transaction.atomic
def xlsform_import(*, data: bytes, agency: Agency, actor: Actor) -> Survey:
    """Create an agency survey from an XLSForm file; XLSFormError (nothing written) if we
    cannot represent it faithfully."""
    from openpyxl import load_workbook  # imported here: 0.15 s at every app-server start

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds of errors on bad files
        raise XLSFormError(_("This file is not an Excel workbook (.xlsx).")) from None
    rows = _rows(workbook, "survey")
    if not rows:
        raise XLSFormError(_("The workbook has no “survey” sheet."))
    languages: set[str] = set()
    choices = _read_choices(workbook, languages)
    header = _header(rows[0], "survey")
    languages.update(header.labels)
    if "type" not in header.columns or "name" not in header.columns:
        raise XLSFormError(_("The “survey” sheet needs “type” and “name” columns."))
    col = header.columns.get
    sections: list[dict[str, Any]] = []
    questions: list[_QuestionRow] = []
    current: int | None = None
    earlier: dict[str, rules.QuestionInfo] = {}
    all_names = {_cell(r, col("name")) for r in rows[1:]}
    for number, row in enumerate(rows[1:], start=2):
        qtype = _cell(row, col("type")).lower()
        name = _cell(row, col("name"))
        if not qtype:
            continue
        where = _("Sheet “survey”, row %(row)d") % {"row": number}

        def refuse(message: str, where: str = where) -> XLSFormError:
            return XLSFormError(f"{where}: {message}")

        try:
            relevance = _strip_markers(parse_relevant(_cell(row, col("relevant"))))
        except XLSFormError as error:
            raise refuse(
                _("the “relevant” expression cannot be imported (%(error)s).") % {"error": error}
            ) from None
        if qtype in ("begin_group", "begin group", "begin_repeat", "begin repeat"):
            if qtype.endswith("repeat"):
                raise refuse(_("repeated groups are not supported."))
            if current is not None:
                raise refuse(_("groups inside groups are not supported."))
            if not NAME_RE.match(name):
                raise refuse(_("“%(name)s” is not a valid name.") % {"name": name})
            sections.append(
                {
                    "name": name,
                    "title": _texts(row, header.labels),
                    "relevance": relevance,
                    "row": number,
                }
            )
            current = len(sections) - 1
            continue
        if qtype in ("end_group", "end group"):
            if current is None:
                raise refuse(_("“end_group” without “begin_group”."))
            current = None
            continue
        if qtype in SKIPPED_TYPES:
            continue
        parts = qtype.split()
        choice_list: list[dict[str, Any]] = []
        min_value = max_value = None
        if parts[0] in ("select_one", "select_multiple") and len(parts) == 2:
            list_name = parts[1]
            if list_name not in choices:
                raise refuse(
                    _("the choice list “%(list)s” is not in the “choices” sheet.")
                    % {"list": list_name}
                )
            entry = choices[list_name]
            special = next(
                (t for t, values in SPECIAL_LISTS.values() if values == entry.values), None
            )
            if parts[0] == "select_one" and special is not None:
                question_type = special
            else:
                question_type = (
                    QuestionType.SINGLE if parts[0] == "select_one" else QuestionType.MULTIPLE
                )
                for value, label in zip(entry.values, entry.labels, strict=True):
                    if not label.get("en") or not label.get("fr"):
                        raise refuse(
                            _(
                                "the option “%(value)s” of “%(list)s” needs a label in English and in French."
                            )
                            % {"value": value, "list": list_name}
                        )
                    choice_list.append({"value": value, "label": label})
        elif qtype in SIMPLE_TYPES:
            question_type = SIMPLE_TYPES[qtype]
            if question_type == QuestionType.NUMBER and _cell(row, col("constraint")):
                try:
                    min_value, max_value = _constraint(_cell(row, col("constraint")))
                except XLSFormError as error:
                    raise refuse(str(error)) from None
        else:
            raise refuse(_("the question type “%(type)s” is not supported.") % {"type": qtype})
        if not NAME_RE.match(name):
            raise refuse(_("“%(name)s” is not a valid name.") % {"name": name})
        if name in earlier:
            raise refuse(_("the name “%(name)s” is used twice.") % {"name": name})
        label = _texts(row, header.labels)
        if not label.get("en") or not label.get("fr"):
            raise refuse(_("the question needs a label in English and in French."))
        if current is None:
            if not sections or sections[-1].get("implicit") is not True:
                sections.append(
                    {
                        "name": f"page_{len(sections) + 1}",
                        "title": {},
                        "relevance": None,
                        "implicit": True,
                        "row": number,
                    }
                )
            section_index = len(sections) - 1
        else:
            section_index = current
        info = rules.QuestionInfo(
            name=name,
            question_type=question_type,
            choice_values=tuple(c["value"] for c in choice_list),
        )
        try:
            relevance = rules.validate_rule(relevance, earlier=earlier, known=all_names)
        except rules.RuleError as error:
            raise refuse(str(error)) from None
        questions.append(
            _QuestionRow(
                number,
                section_index,
                {
                    "name": name,
                    "question_type": question_type,
                    "label": label,
                    "hint": _texts(row, header.hints),
                    "required": _bool(_cell(row, col("required"))),
                    "choices": choice_list,
                    "min_value": min_value,
                    "max_value": max_value,
                    "relevance": relevance,
                    "outcome_field": _cell(row, col("tremplin_outcome")),
                    "service_type": _cell(row, col("tremplin_service_type")),
                },
            )
        )
        earlier[name] = info
    if current is not None:
        raise XLSFormError(_("Sheet “survey”: a group is not closed with “end_group”."))
    if not questions:
        raise XLSFormError(_("The form has no question we can import."))
    # Page conditions may only use questions of earlier pages.
    for index, section in enumerate(sections):
        before = {
            q.fields["name"]: earlier[q.fields["name"]] for q in questions if q.section < index
        }
        try:
            section["relevance"] = rules.validate_rule(
                section["relevance"], earlier=before, known=all_names
            )
        except rules.RuleError as error:
            raise XLSFormError(
                _("Sheet “survey”, row %(row)d: %(error)s")
                % {"row": section["row"], "error": error}
            ) from None
    settings_rows = _rows(workbook, "settings")
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    form_id, anonymous = "", False
    if len(settings_rows) >= 2:
        s_header = _header(settings_rows[0], "settings")
        values = settings_rows[1]
        title = _texts(values, s_header.titles)
        plain = _cell(values, s_header.columns.get("form_title"))
        if plain:
            title.setdefault("en", plain)
        description = _texts(values, s_header.descriptions)
        form_id = _cell(values, s_header.columns.get("form_id"))[:100]
        anonymous = _bool(_cell(values, s_header.columns.get("anonymous")))
    if not title.get("en"):
        title["en"] = form_id or _("Imported survey")
    title.setdefault("fr", title["en"])
    try:
        langs = _check_languages(sorted(languages - {"en", "fr"}))
    except Exception:  # noqa: BLE001
        raise XLSFormError(_("A language code of the label columns is not valid.")) from None
    survey = Survey.objects.with_scope(agency=agency).create(
        network_id=agency.network_id,
        agency=agency,
        title=LazyI18nString(title),
        description=LazyI18nString(description) if description else "",
        languages=langs,
        is_anonymous=anonymous,
        form_id=form_id,
    )
    created_sections = []
    for position, section in enumerate(sections, start=1):
        created_sections.append(
            Section.objects.with_scope(agency=agency).create(
                agency=agency,
                survey=survey,
                position=position,
                name=section["name"],
                title=LazyI18nString(section["title"]) if section["title"] else "",
                relevance=section["relevance"],
            )
        )
    positions: dict[int, int] = {}
    objects = []
    for item in questions:
        positions[item.section] = positions.get(item.section, 0) + 1
        objects.append(
            Question(
                agency=agency,
                survey=survey,
                section=created_sections[item.section],
                position=positions[item.section],
                **{
                    **item.fields,
                    "label": LazyI18nString(item.fields["label"]),
                    "hint": LazyI18nString(item.fields["hint"]) if item.fields["hint"] else "",
                },
            )
        )
    Question.objects.with_scope(agency=agency).bulk_create(objects)
    empty = [s for s in created_sections if not any(o.section_id == s.pk for o in objects)]
    for section in empty:
        section.delete()
    survey_check_rules(survey)
    audit_log(
        agency=agency,
        actor=actor,
        action="survey.import_xlsform",
        obj=survey,
        detail={"questions": len(objects)},
    )
    return survey


# ---------------------------------------------------------------------------------------------
# Export


def _lang_header(base: str, code: str) -> str:
    return f"{base}::{LANGUAGE_NAMES.get(code, code)} ({code})"


def _text_of(value: Any, code: str) -> str:
    data = getattr(value, "data", value)
    if isinstance(data, dict):
        return data.get(code, "") or ""
    return (data or "") if code == "en" else ""


def xlsform_export(survey: Survey) -> bytes:
    from openpyxl import Workbook  # imported here: 0.15 s at every app-server start

    languages = list(survey.languages or ["en", "fr"])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    columns = (
        ["type", "name"]
        + [_lang_header("label", c) for c in languages]
        + [_lang_header("hint", c) for c in languages]
        + ["required", "relevant", "constraint", "tremplin_outcome", "tremplin_service_type"]
    )
    sheet.append(columns)
    choice_rows: list[list[str]] = []
    lists_written: set[str] = set()
    pages = survey_pages(survey)
    types = {q.name: q.question_type for page in pages for q in page.questions}
    for page in pages:
        sheet.append(
            ["begin_group", page.section.name]
            + [_text_of(page.section.title, c) for c in languages]
            + [""] * len(languages)
            + ["", rule_to_expression(page.section.relevance, types), "", "", ""]
        )
        for q in page.questions:
            special = {
                QuestionType.YES_NO: "yes_no",
                QuestionType.LIKERT: "likert5",
                QuestionType.NPS: "nps11",
            }.get(q.question_type)  # type: ignore[call-overload]
            if special:
                qtype = f"select_one {special}"
                if special not in lists_written:
                    lists_written.add(special)
                    for value, label in zip(
                        SPECIAL_LISTS[special][1], SPECIAL_LABELS[special], strict=True
                    ):
                        choice_rows.append(
                            [special, value] + [label.get(c, label["en"]) for c in languages]
                        )
            elif q.question_type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                list_name = q.name
                qtype = (
                    "select_one " if q.question_type == QuestionType.SINGLE else "select_multiple "
                ) + list_name
                for choice in q.choices:
                    choice_rows.append(
                        [list_name, choice["value"]]
                        + [choice["label"].get(c, "") for c in languages]
                    )
            else:
                qtype = {
                    QuestionType.NUMBER: "decimal",
                    QuestionType.DATE: "date",
                    QuestionType.TEXT: "text",
                }[q.question_type]  # type: ignore[index]
            constraint = []
            if q.min_value is not None:
                constraint.append(f". >= {_number(q.min_value)}")
            if q.max_value is not None:
                constraint.append(f". <= {_number(q.max_value)}")
            sheet.append(
                [qtype, q.name]
                + [_text_of(q.label, c) for c in languages]
                + [_text_of(q.hint, c) for c in languages]
                + [
                    "yes" if q.required else "",
                    rule_to_expression(q.relevance, types),
                    " and ".join(constraint),
                    q.outcome_field,
                    q.service_type,
                ]
            )
        sheet.append(["end_group", page.section.name])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name"] + [_lang_header("label", c) for c in languages])
    for row in choice_rows:
        choices.append(row)
    settings_sheet = workbook.create_sheet("settings")
    settings_sheet.append(
        ["form_title", "form_id", "default_language", "anonymous"]
        + [_lang_header("form_title", c) for c in languages]
        + [_lang_header("description", c) for c in languages]
    )
    settings_sheet.append(
        [
            _text_of(survey.title, "en"),
            survey.form_id or f"tremplin_survey_{survey.pk}",
            LANGUAGE_NAMES.get("en", "en") + " (en)",
            "yes" if survey.is_anonymous else "no",
        ]
        + [_text_of(survey.title, c) for c in languages]
        + [_text_of(survey.description, c) for c in languages]
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
