"""Every write about surveys: the builder, adoption of network templates, invitations,
responses, and the schedule of automatic invitations (end of program, 3/6/12-month follow-ups,
one reminder).

Exactly one final response per invitation: `response_submit` locks the invitation row
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers) and
refuses when it is already completed; an identified response is also backed by the one-to-one
`Response.invitation`.
"""

from __future__ import annotations

import calendar
import importlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client
from tremplin.core.services import Actor, Refused
from tremplin.outcomes.models import Completion, CompletionKind, Outcome, OutcomeSource, OutcomeType
from tremplin.surveys import rules
from tremplin.surveys.answers import AnswerError, clean_answer, numeric
from tremplin.surveys.models import (
    Answer,
    Audience,
    FollowUpSchedule,
    Invitation,
    InvitationStatus,
    InvitationTrigger,
    Question,
    QuestionType,
    Response,
    ScheduleStatus,
    Section,
    Survey,
    SurveyKind,
    SurveySettings,
)

logger = logging.getLogger(__name__)

FOLLOW_UP_MONTHS = (3, 6, 12)
SEND_HOUR = time(10, 0)  # automatic invitations go out at 10:00 in the client's time zone
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
CHOICE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z]{2,4})?$")
REQUIRED_LANGUAGES = ("en", "fr")
# How a follow-up answer fills an outcome (Question.outcome_field → Outcome field).
OUTCOME_FIELDS = (
    "employed",
    "employer_name",
    "noc_code",
    "in_field",
    "employment_type",
    "hours_per_week",
    "wage_band",
    "start_date",
)


class SurveyRefused(Refused):
    """A refused action (tremplin.core.services.Refused), with the question it is about.

    Codes: unknown, used, expired, cancelled, closed (invitations); required, invalid (answers).
    """

    def __init__(self, code: str, message: str | Promise, *, field: str = "") -> None:
        super().__init__(code, message)
        self.field = field


# ---------------------------------------------------------------------------------------------
# Structure of a survey


@dataclass
class Page:
    section: Section
    questions: list[Question]


def survey_pages(survey: Survey) -> list[Page]:
    sections = list(Section.objects.with_scope(agency=survey.agency_id).filter(survey=survey))
    by_section: dict[int, list[Question]] = {s.pk: [] for s in sections}
    for question in Question.objects.with_scope(agency=survey.agency_id).filter(survey=survey):
        by_section[question.section_id].append(question)
    for questions in by_section.values():
        questions.sort(key=lambda q: (q.position, q.pk))
    sections.sort(key=lambda s: (s.position, s.pk))
    return [Page(section, by_section[section.pk]) for section in sections]


def _info(question: Question) -> rules.QuestionInfo:
    return rules.QuestionInfo(
        name=question.name,
        question_type=question.question_type,
        choice_values=tuple(str(c["value"]) for c in question.choices or []),
    )


def survey_check_rules(survey: Survey) -> None:
    """Refuse (ValidationError) a survey whose conditions point forward or at a missing question."""
    pages = survey_pages(survey)
    known = {q.name for page in pages for q in page.questions}
    earlier: dict[str, rules.QuestionInfo] = {}
    for page in pages:
        try:
            canonical = rules.validate_rule(page.section.relevance, earlier=earlier, known=known)
        except rules.RuleError as error:
            raise ValidationError(
                _("Page “%(page)s”: %(error)s") % {"page": page.section.name, "error": error}
            ) from None
        if canonical != page.section.relevance:
            page.section.relevance = canonical
            page.section.save(update_fields=["relevance"])
        for question in page.questions:
            try:
                canonical = rules.validate_rule(question.relevance, earlier=earlier, known=known)
            except rules.RuleError as error:
                raise ValidationError(
                    _("Question “%(name)s”: %(error)s") % {"name": question.name, "error": error}
                ) from None
            if canonical != question.relevance:
                question.relevance = canonical
                question.save(update_fields=["relevance"])
            earlier[question.name] = _info(question)


def questions_excluded_for(invitation: Invitation | None, pages: Sequence[Page]) -> set[str]:
    """Questions of a staff survey that rate element types the invitation's program lacks."""
    if invitation is None or invitation.program_id is None:
        return set()
    from tremplin.programs.models import ServiceElement

    types = set(
        ServiceElement.objects.with_scope(agency=invitation.agency_id)
        .filter(program_id=invitation.program_id)
        .values_list("service_type", flat=True)
    )
    return {
        q.name
        for page in pages
        for q in page.questions
        if q.service_type and q.service_type not in types
    }


def visible_questions(
    pages: Sequence[Page],
    answers: Mapping[str, Any],
    excluded: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[Question]:
    names = set(
        rules.visible_names(
            [
                (
                    page.section.relevance,
                    [(q.name, q.relevance) for q in page.questions if q.name not in excluded],
                )
                for page in pages
            ],
            answers,
        )
    )
    return [q for page in pages for q in page.questions if q.name in names]


def visible_pages(
    pages: Sequence[Page],
    answers: Mapping[str, Any],
    excluded: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[Page]:
    shown = {q.pk for q in visible_questions(pages, answers, excluded)}
    return [
        Page(page.section, [q for q in page.questions if q.pk in shown])
        for page in pages
        if any(q.pk in shown for q in page.questions)
    ]


# ---------------------------------------------------------------------------------------------
# Builder


def _i18n(value: Any) -> LazyI18nString:
    return value if isinstance(value, LazyI18nString) else LazyI18nString(value)


def _check_languages(languages: Iterable[str]) -> list[str]:
    result = list(REQUIRED_LANGUAGES)
    for code in languages:
        code = code.strip().lower()
        if not code:
            continue
        if not LANGUAGE_RE.match(code):
            raise ValidationError(
                {
                    "languages": _("“%(code)s” is not a language code such as es or ar.")
                    % {"code": code}
                }
            )
        if code not in result:
            result.append(code)
    return result


def _require_text(value: LazyI18nString, field: str, languages: Sequence[str]) -> None:
    data = value.data if isinstance(value.data, dict) else {"en": value.data or ""}
    for code in REQUIRED_LANGUAGES:
        if not (data.get(code) or "").strip():
            raise ValidationError({field: _("Write it in English and in French.")})


@transaction.atomic
def survey_create(
    *,
    agency: Agency,
    actor: Actor,
    title: Any,
    description: Any = "",
    languages: Iterable[str] = (),
    is_anonymous: bool = False,
    audience: str = Audience.CLIENTS,
    kind: str = SurveyKind.CUSTOM,
    form_id: str = "",
    first_page: bool = True,
) -> Survey:
    title = _i18n(title)
    langs = _check_languages(languages)
    _require_text(title, "title", langs)
    survey = Survey.objects.with_scope(agency=agency).create(
        network_id=agency.network_id,
        agency=agency,
        title=title,
        description=_i18n(description),
        languages=langs,
        is_anonymous=is_anonymous,
        audience=audience,
        kind=kind,
        form_id=form_id,
    )
    if first_page:
        Section.objects.with_scope(agency=agency).create(
            agency=agency, survey=survey, position=1, name="page_1", title=LazyI18nString("")
        )
    audit_log(agency=agency, actor=actor, action="survey.create", obj=survey)
    return survey


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    actor: Actor,
    title: Any,
    description: Any = "",
    languages: Iterable[str] = (),
    is_anonymous: bool = False,
    is_active: bool = True,
) -> Survey:
    title = _i18n(title)
    langs = _check_languages(languages)
    _require_text(title, "title", langs)
    if is_anonymous != survey.is_anonymous and survey.responses.exists():
        raise ValidationError(
            {
                "is_anonymous": _(
                    "A survey that has responses cannot change between anonymous and identified."
                )
            }
        )
    survey.title = title
    survey.description = _i18n(description)
    survey.languages = langs
    survey.is_anonymous = is_anonymous
    survey.is_active = is_active
    survey.save()
    _audit(survey, actor, "survey.update", survey)
    return survey


def _audit(survey: Survey, actor: Actor, action: str, obj: Any) -> None:
    if survey.agency is not None:
        audit_log(agency=survey.agency, actor=actor, action=action, obj=obj)


@transaction.atomic
def section_create(
    *, survey: Survey, actor: Actor, title: Any = "", relevance: Any = None, name: str = ""
) -> Section:
    last = Section.objects.with_scope(agency=survey.agency_id).filter(survey=survey)
    position = (last.aggregate(m=Max("position"))["m"] or 0) + 1
    name = name or f"page_{position}"
    if last.filter(name=name).exists() or not NAME_RE.match(name):
        name = f"page_{position}_{last.count() + 1}"
    section = Section.objects.with_scope(agency=survey.agency_id).create(
        agency_id=survey.agency_id,
        survey=survey,
        position=position,
        name=name,
        title=_i18n(title),
        relevance=relevance or None,
    )
    survey_check_rules(survey)
    _audit(survey, actor, "survey_section.create", section)
    return section


@transaction.atomic
def section_update(*, section: Section, actor: Actor, title: Any, relevance: Any) -> Section:
    section.title = _i18n(title)
    section.relevance = relevance or None
    section.save()
    survey_check_rules(section.survey)
    _audit(section.survey, actor, "survey_section.update", section)
    return section


@transaction.atomic
def section_delete(*, section: Section, actor: Actor) -> None:
    survey = section.survey
    if section.questions.exists():
        raise ValidationError(_("Move or delete the questions of this page first."))
    if Section.objects.with_scope(agency=survey.agency_id).filter(survey=survey).count() == 1:
        raise ValidationError(_("A survey has at least one page."))
    _audit(survey, actor, "survey_section.delete", section)
    section.delete()


def _clean_choices(question_type: str, choices: Any) -> list[dict[str, Any]]:
    if question_type not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for choice in choices or []:
        value = str(choice.get("value", "")).strip()
        label = choice.get("label") or {}
        if not CHOICE_RE.match(value):
            raise ValidationError(
                {
                    "choices": _(
                        "“%(value)s” is not a valid option value (letters, digits, _ . -)."
                    )
                    % {"value": value}
                }
            )
        if value in seen:
            raise ValidationError(
                {"choices": _("The option “%(value)s” is listed twice.") % {"value": value}}
            )
        if not isinstance(label, dict):
            label = {"en": str(label)}
        label = {k: str(v).strip() for k, v in label.items() if str(v).strip()}
        if not label.get("en") or not label.get("fr"):
            raise ValidationError(
                {
                    "choices": _(
                        "Give every option a label in English and in French (“%(value)s”)."
                    )
                    % {"value": value}
                }
            )
        seen.add(value)
        cleaned.append({"value": value, "label": label})
    if len(cleaned) < 2:
        raise ValidationError({"choices": _("A choice question needs at least two options.")})
    return cleaned


def _set_question_fields(question: Question, fields: Mapping[str, Any]) -> None:
    name = str(fields["name"]).strip()
    if not NAME_RE.match(name):
        raise ValidationError(
            {"name": _("A name starts with a letter and has only letters, digits and underscores.")}
        )
    question_type = fields["question_type"]
    if question_type not in QuestionType.values:
        raise ValidationError({"question_type": _("Choose a question type.")})
    label = _i18n(fields["label"])
    _require_text(label, "label", REQUIRED_LANGUAGES)
    min_value, max_value = fields.get("min_value"), fields.get("max_value")
    if question_type != QuestionType.NUMBER:
        min_value = max_value = None
    if min_value is not None and max_value is not None and min_value > max_value:
        raise ValidationError({"max_value": _("The largest number is smaller than the smallest.")})
    outcome_field = fields.get("outcome_field", "") or ""
    if outcome_field and outcome_field not in OUTCOME_FIELDS:
        raise ValidationError({"outcome_field": _("Unknown outcome field.")})
    question.name = name
    question.question_type = question_type
    question.label = label
    question.hint = _i18n(fields.get("hint") or "")
    question.required = bool(fields.get("required"))
    question.choices = _clean_choices(question_type, fields.get("choices"))
    question.min_value = min_value
    question.max_value = max_value
    question.relevance = fields.get("relevance") or None
    question.outcome_field = outcome_field
    question.service_type = fields.get("service_type", "") or ""


@transaction.atomic
def question_create(*, section: Section, actor: Actor, **fields: Any) -> Question:
    """fields: name, question_type, label, hint, required, choices, min_value, max_value,
    relevance, outcome_field, service_type."""
    survey = section.survey
    questions = Question.objects.with_scope(agency=survey.agency_id).filter(survey=survey)
    question = Question(
        agency_id=survey.agency_id,
        survey=survey,
        section=section,
        position=(questions.filter(section=section).aggregate(m=Max("position"))["m"] or 0) + 1,
    )
    _set_question_fields(question, fields)
    if questions.filter(name=question.name).exists():
        raise ValidationError({"name": _("Another question of this survey has that name.")})
    question.save()
    survey_check_rules(survey)
    _audit(survey, actor, "survey_question.create", question)
    return question


@transaction.atomic
def question_update(*, question: Question, actor: Actor, **fields: Any) -> Question:
    survey = question.survey
    old_name = question.name
    _set_question_fields(question, fields)
    others = Question.objects.with_scope(agency=survey.agency_id).filter(survey=survey)
    if others.filter(name=question.name).exclude(pk=question.pk).exists():
        raise ValidationError({"name": _("Another question of this survey has that name.")})
    if old_name != question.name and _referenced(survey, old_name):
        raise ValidationError({"name": _("Other conditions use this name: change them first.")})
    question.save()
    survey_check_rules(survey)
    _audit(survey, actor, "survey_question.update", question)
    return question


def _referenced(survey: Survey, name: str, *, exclude: Question | None = None) -> bool:
    for page in survey_pages(survey):
        if name in rules.rule_questions(page.section.relevance):
            return True
        for q in page.questions:
            if q != exclude and name in rules.rule_questions(q.relevance):
                return True
    return False


@transaction.atomic
def question_delete(*, question: Question, actor: Actor) -> None:
    survey = question.survey
    if _referenced(survey, question.name, exclude=question):
        raise ValidationError(_("A condition of another question uses this one: change it first."))
    if question.answers.exists():
        raise ValidationError(_("This question has answers: it cannot be deleted."))
    _audit(survey, actor, "survey_question.delete", question)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, actor: Actor, up: bool) -> Question:
    """Swap with the neighbour above/below (in its page); refused if a condition would then
    point forward."""
    siblings = list(
        Question.objects.with_scope(agency=question.agency_id)
        .filter(section_id=question.section_id)
        .order_by("position", "pk")
    )
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return question
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    survey_check_rules(question.survey)
    _audit(question.survey, actor, "survey_question.move", question)
    return question


@transaction.atomic
def survey_adopt(*, template: Survey, agency: Agency, actor: Actor) -> Survey:
    """Copy a network template (pages and questions) into an agency survey."""
    if not template.is_template or template.network_id != agency.network_id:
        raise ValueError("Only a template of the agency's own network can be adopted.")
    survey = survey_copy(source=template, agency=agency)
    survey.template = template
    survey.save(update_fields=["template"])
    settings_row = survey_settings_for(agency)
    if template.kind == SurveyKind.END_OF_PROGRAM and settings_row.end_of_program_survey is None:
        settings_row.end_of_program_survey = survey
    if template.kind == SurveyKind.FOLLOW_UP and settings_row.follow_up_survey is None:
        settings_row.follow_up_survey = survey
    settings_row.save()
    audit_log(
        agency=agency,
        actor=actor,
        action="survey.adopt",
        obj=survey,
        detail={"template": template.pk},
    )
    return survey


def survey_copy(*, source: Survey, agency: Agency | None, network_id: int | None = None) -> Survey:
    survey = Survey.objects.with_scope(agency=agency).create(
        network_id=network_id or source.network_id,
        agency=agency,
        kind=source.kind,
        audience=source.audience,
        title=source.title,
        description=source.description,
        languages=list(source.languages),
        is_anonymous=source.is_anonymous,
        form_id=source.form_id,
    )
    agency_id = agency.pk if agency is not None else None
    for page in survey_pages(source):
        section = Section.objects.with_scope(agency=agency_id).create(
            agency_id=agency_id,
            survey=survey,
            position=page.section.position,
            name=page.section.name,
            title=page.section.title,
            relevance=page.section.relevance,
        )
        Question.objects.with_scope(agency=agency_id).bulk_create(
            Question(
                agency_id=agency_id,
                survey=survey,
                section=section,
                position=q.position,
                name=q.name,
                question_type=q.question_type,
                label=q.label,
                hint=q.hint,
                required=q.required,
                choices=q.choices,
                min_value=q.min_value,
                max_value=q.max_value,
                relevance=q.relevance,
                outcome_field=q.outcome_field,
                service_type=q.service_type,
            )
            for q in page.questions
        )
    return survey


def survey_settings_for(agency: Agency) -> SurveySettings:
    row, _created = SurveySettings.objects.with_scope(agency=agency).get_or_create(agency=agency)
    return row


@transaction.atomic
def survey_settings_update(
    *,
    agency: Agency,
    actor: Actor,
    end_of_program_survey: Survey | None,
    follow_up_survey: Survey | None,
    follow_up_basis: str,
    reminder_after_days: int,
    valid_days: int,
) -> SurveySettings:
    for survey in (end_of_program_survey, follow_up_survey):
        if survey is not None and survey.agency_id != agency.pk:
            raise ValueError("The survey must belong to the agency.")
    if not 1 <= valid_days <= 365:
        raise ValidationError({"valid_days": _("Links expire after 1 to 365 days.")})
    if not 0 <= reminder_after_days < valid_days:
        raise ValidationError(
            {"reminder_after_days": _("The reminder must go out before the link expires.")}
        )
    row = survey_settings_for(agency)
    row.end_of_program_survey = end_of_program_survey
    row.follow_up_survey = follow_up_survey
    row.follow_up_basis = follow_up_basis
    row.reminder_after_days = reminder_after_days
    row.valid_days = valid_days
    row.full_clean(exclude=["agency", "end_of_program_survey", "follow_up_survey"])
    row.save()
    audit_log(agency=agency, actor=actor, action="survey_settings.update", obj=row)
    return row


# ---------------------------------------------------------------------------------------------
# Invitations


def invitation_language(survey: Survey, client: Client | None, user: User | None) -> str:
    """The person's preferred language when the survey has it, else the agency default."""
    preferred = client.preferred_language if client is not None else (user.language if user else "")
    if preferred and preferred in survey.languages:
        return preferred
    agency = survey.agency
    if agency is not None and agency.default_language in survey.languages:
        return agency.default_language
    return "en"


def delivery_mode_of(client: Client, program_id: int | None) -> str:
    """How the client attended the program: in person, online, or both (hybrid)."""
    from tremplin.programs.models import Registration

    if program_id is None:
        return ""
    modes = set(
        Registration.objects.with_scope(agency=client.agency_id)
        .filter(client=client, session__element__program_id=program_id, attendance="attended")
        .values_list("attended_mode", flat=True)
    ) - {""}
    if not modes:
        return ""
    if len(modes) > 1:
        return "hybrid"
    return "online" if modes == {"online"} else "in_person"


def invitation_link(invitation: Invitation) -> str:
    """The absolute link of an invitation, in the person's language: the site's page language
    when it is one (/fr/…), else the agency's, with `?lang=` choosing the survey's language."""
    site_languages = dict(settings.LANGUAGES)
    own = invitation.language in site_languages
    with translation.override(invitation.language if own else invitation.agency.default_language):
        path = reverse(
            "surveys:respond",
            kwargs={"agency_slug": invitation.agency.slug, "token": invitation.token},
        )
    if not own:
        path += f"?lang={invitation.language}"
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


@transaction.atomic
def invitation_create(
    *,
    survey: Survey,
    actor: Actor,
    client: Client | None = None,
    user: User | None = None,
    trigger: str = InvitationTrigger.MANUAL,
    program: Any = None,
    course: Any = None,
    follow_up_months: int | None = None,
    send: bool = True,
    now: datetime | None = None,
) -> Invitation:
    agency = survey.agency
    if agency is None:
        raise ValueError("A network template is adopted before anyone is invited.")
    if (client is None) == (user is None):
        raise ValueError("Invite either a client or a staff member.")
    if client is not None and client.agency_id != agency.pk:
        raise ValueError("The client must belong to the survey's agency.")
    if not survey.is_active:
        raise SurveyRefused("closed", _("This survey is closed."))
    if survey.audience == Audience.STAFF and user is None:
        raise SurveyRefused("audience", _("This survey is for staff."))
    if survey.audience == Audience.CLIENTS and client is None:
        raise SurveyRefused("audience", _("This survey is for clients."))
    now = now or timezone.now()
    valid_days = survey_settings_for(agency).valid_days
    program_id = program.pk if program is not None else None
    invitation = Invitation.objects.with_scope(agency=agency).create(
        agency=agency,
        survey=survey,
        client=client,
        user=user,
        trigger=trigger,
        program_id=program_id,
        course=course,
        follow_up_months=follow_up_months,
        language=invitation_language(survey, client, user),
        delivery_mode=delivery_mode_of(client, program_id) if client is not None else "",
        location_type=client.location_type if client is not None else "",
        arrival_status=client.arrival_status if client is not None else "",
        expires_at=now + timedelta(days=valid_days),
        created_by=actor if isinstance(actor, User) else None,
    )
    audit_log(
        agency=agency,
        actor=actor,
        action="survey_invitation.create",
        obj=invitation,
        client_id=client.pk if client is not None else None,
        detail={"survey": survey.pk, "trigger": trigger},
    )
    if send:
        invitation_send(invitation=invitation, now=now)
    return invitation


def _notify() -> Any:
    """The messaging app's type-based `notify` once it exists (issue 9), else None."""
    return getattr(importlib.import_module("tremplin.messaging.services"), "notify", None)


def invitation_send(
    *, invitation: Invitation, reminder: bool = False, now: datetime | None = None
) -> bool:
    """Send the link (or the reminder) through the messaging service; record what happened."""
    from tremplin.messaging.services import MessageNotAllowed, message_send

    now = now or timezone.now()
    link = invitation_link(invitation)
    survey_title = invitation.survey.title.localize(invitation.language)
    sent, problem, channel = False, "", ""
    notify = _notify()
    if notify is not None and invitation.client is not None:
        if invitation.trigger == InvitationTrigger.FOLLOW_UP and not reminder:
            message_type = "followup_invitation"
        else:
            message_type = "survey_reminder" if reminder else "survey_invitation"
        messages = notify(
            message_type=message_type,
            client=invitation.client,
            context={"link": link, "survey": survey_title, "title": survey_title},
            dedupe_key=f"survey_{'reminder' if reminder else 'invitation'}:{invitation.pk}",
        )
        good = [m for m in messages if getattr(m, "status", "") != "skipped"]
        sent = bool(good)
        channel = good[0].channel if good else ""
        problem = "" if sent else str(getattr(messages[0], "error", "") if messages else "")
    else:
        with translation.override(
            invitation.language if invitation.language in dict(settings.LANGUAGES) else "en"
        ):
            if reminder:
                wording = _(
                    "Reminder: %(agency)s would like your answers to “%(survey)s”: %(link)s"
                )
            else:
                wording = _(
                    "%(agency)s invites you to answer a short survey, “%(survey)s”: %(link)s"
                )
            text = str(wording) % {
                "agency": invitation.agency.name,
                "survey": survey_title,
                "link": link,
            }
        candidates: list[tuple[str, Client | None, str]] = []
        if invitation.client is not None:
            client = invitation.client
            order = [c for c in client.preferred_channels if c in ("email", "sms", "whatsapp")]
            order += [c for c in ("email", "sms", "whatsapp") if c not in order]
            candidates = [(c, client, "") for c in order]
        elif invitation.user is not None and invitation.user.email:
            candidates = [("email", None, invitation.user.email)]
        problems = []
        for channel_code, client_or_none, to in candidates:
            try:
                message_send(
                    agency=invitation.agency,
                    channel=channel_code,
                    text=text,
                    language=invitation.language,
                    client=client_or_none,
                    to=to,
                )
            except MessageNotAllowed as error:
                problems.append(error.message)
                continue
            sent, channel = True, channel_code
            break
        problem = (
            "" if sent else (problems[-1] if problems else str(_("No way to reach this person.")))
        )
    fields = ["send_error"]
    invitation.send_error = problem[:300]
    if sent:
        invitation.channel = channel
        if reminder:
            invitation.reminded_at = now
            fields.append("reminded_at")
        else:
            invitation.sent_at = now
            fields.append("sent_at")
        fields.append("channel")
    Invitation.objects.with_scope(agency=invitation.agency_id).filter(pk=invitation.pk).update(
        **{f: getattr(invitation, f) for f in fields}
    )
    return sent


@transaction.atomic
def invitations_bulk_create(
    *,
    survey: Survey,
    actor: Actor,
    clients: Sequence[Client],
    program: Any = None,
    course: Any = None,
) -> list[Invitation]:
    """Invite each client who has no open invitation to this survey yet."""
    open_ = set(
        Invitation.objects.with_scope(agency=survey.agency_id)
        .filter(survey=survey, client__in=clients, status__in=OPEN_STATUSES)
        .values_list("client_id", flat=True)
    )
    return [
        invitation_create(survey=survey, actor=actor, client=c, program=program, course=course)
        for c in clients
        if c.pk not in open_
    ]


OPEN_STATUSES = (InvitationStatus.PENDING, InvitationStatus.OPENED, InvitationStatus.PARTIAL)

REFUSALS = {
    "unknown": _("This survey link is not valid. Check that you copied the whole link."),
    "used": _("This survey has already been answered with this link. Thank you!"),
    "expired": _("This survey link has expired."),
    "cancelled": _("This survey link was cancelled."),
    "closed": _("This survey is closed."),
}


def _refuse(code: str) -> SurveyRefused:
    return SurveyRefused(code, REFUSALS[code])


def invitation_for_token(*, agency: Agency, token: str, lock: bool = False) -> Invitation:
    """The open invitation of `token` in `agency`, or SurveyRefused (unknown/used/expired/…)."""
    if not token or len(token) > 64:
        raise _refuse("unknown")
    query = Invitation.objects.with_scope(agency=agency).filter(agency=agency, token=token)
    if lock:
        query = query.select_for_update(of=("self",))
    invitation = query.select_related("survey", "client").first()
    if invitation is None:
        raise _refuse("unknown")
    if invitation.status == InvitationStatus.COMPLETED:
        raise _refuse("used")
    if invitation.status == InvitationStatus.CANCELLED:
        raise _refuse("cancelled")
    if invitation.expires_at <= timezone.now():
        raise _refuse("expired")
    if not invitation.survey.is_active:
        raise _refuse("closed")
    return invitation


@transaction.atomic
def invitation_mark_opened(*, invitation: Invitation) -> Invitation:
    if invitation.status == InvitationStatus.PENDING:
        invitation.status = InvitationStatus.OPENED
        invitation.opened_at = timezone.now()
        Invitation.objects.with_scope(agency=invitation.agency_id).filter(
            pk=invitation.pk, status=InvitationStatus.PENDING
        ).update(status=invitation.status, opened_at=invitation.opened_at)
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: Actor) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status == InvitationStatus.COMPLETED:
        raise SurveyRefused("used", REFUSALS["used"])
    locked.status = InvitationStatus.CANCELLED
    locked.draft = {}
    locked.save(update_fields=["status", "draft"])
    audit_log(
        agency=locked.agency,
        actor=actor,
        action="survey_invitation.cancel",
        obj=locked,
        client_id=locked.client_id,
    )
    return locked


def clean_page_answers(
    questions: Iterable[Question], raw: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values by name, error messages by name) for the questions of one page."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        try:
            values[question.name] = clean_answer(question, raw.get(question.name))
        except AnswerError as error:
            errors[question.name] = str(error)
    return values, errors


@transaction.atomic
def response_save_draft(
    *, invitation: Invitation, answers: Mapping[str, Any], page: int
) -> Invitation:
    """Keep what was answered so far (clean values by name) so the survey resumes later."""
    locked = invitation_for_token(agency=invitation.agency, token=invitation.token, lock=True)
    draft = dict(locked.draft)
    for name, value in answers.items():
        if value is None:
            draft.pop(name, None)
        else:
            draft[name] = value
    locked.draft = draft
    locked.page = max(0, page)
    if locked.status in (InvitationStatus.PENDING, InvitationStatus.OPENED):
        locked.status = InvitationStatus.PARTIAL
        locked.opened_at = locked.opened_at or timezone.now()
    locked.save(update_fields=["draft", "page", "status", "opened_at"])
    return locked


# Only the concurrency test's control run turns this off, to prove the test catches a missing lock.
_LOCK_INVITATION_ROWS = True


def _lock_invitation(invitation: Invitation) -> Invitation:
    # Lock the row first, then check its state: a second submit waits here and sees "completed".
    return invitation_for_token(
        agency=invitation.agency, token=invitation.token, lock=_LOCK_INVITATION_ROWS
    )


@transaction.atomic
def response_submit(
    *,
    invitation: Invitation,
    answers: Mapping[str, Any],
    language: str,
    now: datetime | None = None,
) -> Response:
    """Store the one final response of an invitation.

    `answers`: question name → raw or clean value. Answers to questions hidden by the skip
    logic are dropped (never stored); a shown required question left blank refuses the whole
    response (code "required", nothing written); an invalid answer refuses it (code "invalid").
    """
    locked = _lock_invitation(invitation)
    survey = locked.survey
    pages = survey_pages(survey)
    by_name = {q.name: q for page in pages for q in page.questions}
    values: dict[str, Any] = {}
    for name, raw in answers.items():
        question = by_name.get(name)
        if question is None:
            continue
        try:
            values[name] = clean_answer(question, raw)
        except AnswerError as error:
            raise SurveyRefused("invalid", error.args[0], field=name) from None
    values = {k: v for k, v in values.items() if v is not None}
    shown = visible_questions(pages, values, questions_excluded_for(locked, pages))
    for question in shown:
        if question.required and question.name not in values:
            raise SurveyRefused(
                "required",
                _("Please answer “%(question)s”.")
                % {"question": question.label.localize(language)},
                field=question.name,
            )
    now = now or timezone.now()
    anonymous = survey.is_anonymous
    submitted_at = now
    if anonymous:
        submitted_at = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if language not in survey.languages:
        language = locked.language
    response = Response.objects.with_scope(agency=locked.agency_id).create(
        agency_id=locked.agency_id,
        survey=survey,
        is_anonymous=anonymous,
        client=None if anonymous else locked.client,
        user=None if anonymous else locked.user,
        invitation=None if anonymous else locked,
        submitted_at=submitted_at,
        program_id=locked.program_id,
        course_id=locked.course_id,
        delivery_mode=locked.delivery_mode,
        location_type=locked.location_type,
        arrival_status=locked.arrival_status,
        language=language,
        follow_up_months=locked.follow_up_months,
    )
    Answer.objects.with_scope(agency=locked.agency_id).bulk_create(
        Answer(
            agency_id=locked.agency_id,
            response=response,
            question=question,
            value=values[question.name],
            number=numeric(question, values[question.name]),
        )
        for question in shown
        if question.name in values
    )
    locked.status = InvitationStatus.COMPLETED
    # Anonymous: the day only here too, so the invitation's time cannot pick out the response.
    locked.completed_at = submitted_at
    locked.draft = {}
    locked.save(update_fields=["status", "completed_at", "draft"])
    audit_log(
        agency=locked.agency,
        actor=None,
        action="survey_invitation.complete",
        obj=locked,
        client_id=locked.client_id,
        # An anonymous response is never named next to the person.
        detail={} if anonymous else {"response": str(response.pk)},
    )
    if not anonymous:
        from tremplin.api.webhooks import webhook_emit

        webhook_emit(
            agency=locked.agency_id,
            event_type="survey.response",
            object_type="survey_response",
            object_id=str(response.pk),
        )
    if not anonymous and locked.client is not None and survey.kind == SurveyKind.FOLLOW_UP:
        outcome_from_response(response=response, values=values, questions=by_name)
    return response


def _yes_no(value: Any) -> bool | None:
    return None if value is None else value == "yes"


def outcome_from_response(
    *, response: Response, values: Mapping[str, Any], questions: Mapping[str, Question]
) -> Outcome | None:
    """A follow-up answer creates or updates the client's outcome (source: survey)."""
    from tremplin.outcomes.services import outcome_record, outcome_update

    fields: dict[str, Any] = {}
    for name, value in values.items():
        field = questions[name].outcome_field
        if field:
            fields[field] = value
    if "employed" not in fields or response.client is None:
        return None
    client = response.client
    recorded_on = timezone.localdate(response.submitted_at)
    if fields["employed"] != "yes":
        return outcome_record(
            agency=client.agency,
            client=client,
            actor=None,
            outcome_type=OutcomeType.NOT_EMPLOYED,
            recorded_on=recorded_on,
            source=OutcomeSource.SURVEY,
            program=response.program,
            response=response,
            follow_up_months=response.follow_up_months,
        )
    hours = fields.get("hours_per_week")
    start = fields.get("start_date")
    data: dict[str, Any] = {
        "employer_name": str(fields.get("employer_name") or "")[:200],
        "noc_code": str(fields.get("noc_code") or "")[:5]
        if re.match(r"^\d{5}$", str(fields.get("noc_code") or ""))
        else "",
        "in_field": _yes_no(fields.get("in_field")),
        "employment_type": fields.get("employment_type") or "",
        "hours_per_week": int(hours) if hours is not None and 1 <= float(hours) <= 80 else None,
        "wage_band": fields.get("wage_band") or "",
        "start_date": date.fromisoformat(start) if start else None,
    }
    current = (
        Outcome.objects.with_scope(agency=client.agency_id)
        .filter(client=client, outcome_type=OutcomeType.HIRED)
        .order_by("-recorded_on", "-id")
        .first()
    )
    same_job = current is not None and (
        not data["employer_name"]
        or current.employer_name.casefold() == data["employer_name"].casefold()
    )
    if current is not None and same_job:
        changes = {k: v for k, v in data.items() if v not in ("", None)}
        return outcome_update(
            outcome=current,
            actor=None,
            source=OutcomeSource.SURVEY,
            recorded_on=recorded_on,
            response=response,
            follow_up_months=response.follow_up_months,
            **changes,
        )
    return outcome_record(
        agency=client.agency,
        client=client,
        actor=None,
        outcome_type=OutcomeType.HIRED,
        recorded_on=recorded_on,
        source=OutcomeSource.SURVEY,
        program=response.program,
        response=response,
        follow_up_months=response.follow_up_months,
        **data,
    )


# ---------------------------------------------------------------------------------------------
# Triggers and the schedule


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def client_zone(client: Client) -> ZoneInfo:
    zone = ""
    if client.user_id is not None and client.user is not None:
        zone = client.user.time_zone or ""
    return ZoneInfo(zone or client.agency.time_zone)


def due_moment(client: Client, exit_date: date, months: int) -> datetime:
    """10:00 on the day `months` after `exit_date`, in the client's time zone."""
    return datetime.combine(add_months(exit_date, months), SEND_HOUR, tzinfo=client_zone(client))


def _end_of_program_survey(agency_id: int) -> Survey | None:
    row = SurveySettings.objects.with_scope(agency=agency_id).filter(agency_id=agency_id).first()
    return row.end_of_program_survey if row is not None else None


def schedule_for_completion(
    *, completion: Completion, now: datetime | None = None
) -> list[FollowUpSchedule]:
    """Schedule the end-of-program survey now and, when the agency counts from completion, the
    follow-ups at +3, +6 and +12 months. Idempotent."""
    now = now or timezone.now()
    client = completion.client
    row = (
        SurveySettings.objects.with_scope(agency=completion.agency_id)
        .filter(agency_id=completion.agency_id)
        .first()
    )
    if row is None:
        return []
    created = []
    if row.end_of_program_survey is not None and row.end_of_program_survey.is_active:
        created += _schedule(
            completion=completion, survey=row.end_of_program_survey, months=0, due=now
        )
    if (
        row.follow_up_survey is not None
        and row.follow_up_basis == SurveySettings.FollowUpBasis.COMPLETION
    ):
        for months in FOLLOW_UP_MONTHS:
            created += _schedule(
                completion=completion,
                survey=row.follow_up_survey,
                months=months,
                due=due_moment(client, completion.completed_on, months),
            )
    return created


def _schedule(
    *,
    survey: Survey,
    months: int,
    due: datetime,
    completion: Completion | None = None,
    outcome: Outcome | None = None,
) -> list[FollowUpSchedule]:
    source: Any = completion or outcome
    lookup = {"completion": completion} if completion is not None else {"outcome": outcome}
    exit_date = (
        completion.completed_on
        if completion is not None
        else (outcome.start_date or outcome.recorded_on)  # type: ignore[union-attr]
    )
    try:
        with transaction.atomic():
            row, created = FollowUpSchedule.objects.with_scope(
                agency=source.agency_id
            ).get_or_create(
                **lookup,
                months=months,
                defaults={
                    "agency_id": source.agency_id,
                    "client_id": source.client_id,
                    "survey": survey,
                    "program_id": getattr(source, "program_id", None),
                    "course_id": getattr(completion, "course_id", None),
                    "exit_date": exit_date,
                    "due_at": due,
                },
            )
    except IntegrityError:
        return []
    return [row] if created else []


def schedule_for_hire(*, outcome: Outcome) -> list[FollowUpSchedule]:
    """When the agency counts follow-ups from a recorded hire: +3/+6/+12 months after it."""
    if outcome.source == OutcomeSource.SURVEY:
        return []
    row = (
        SurveySettings.objects.with_scope(agency=outcome.agency_id)
        .filter(agency_id=outcome.agency_id)
        .first()
    )
    if row is None or row.follow_up_survey is None:
        return []
    if row.follow_up_basis != SurveySettings.FollowUpBasis.HIRE:
        return []
    start = outcome.start_date or outcome.recorded_on
    created = []
    for months in FOLLOW_UP_MONTHS:
        created += _schedule(
            outcome=outcome,
            survey=row.follow_up_survey,
            months=months,
            due=due_moment(outcome.client, start, months),
        )
    return created


def completions_detect(*, now: datetime | None = None) -> list[Completion]:
    """Record new completions: every service element of a program attended, or a course
    completed; each new one is scheduled. Safe to run again and again."""
    from tremplin.learning.models import Enrolment
    from tremplin.outcomes.services import completion_record
    from tremplin.programs.models import Program, Registration

    now = now or timezone.now()
    new: list[Completion] = []
    programs = (
        Program.objects.with_scopes_disabled()
        .filter(agency__isnull=False, agency__is_active=True)
        .annotate(n_elements=Count("elements", distinct=True))
        .filter(n_elements__gt=0)
    )
    for program in programs:
        done = Completion.objects.with_scopes_disabled().filter(
            program=program, client=OuterRef("client")
        )
        rows = (
            Registration.objects.with_scopes_disabled()
            .filter(
                agency_id=program.agency_id,
                session__element__program=program,
                attendance="attended",
            )
            .filter(~Exists(done))
            .values("client")
            .annotate(n=Count("session__element", distinct=True), last=Max("session__ends_at"))
            .filter(n=program.n_elements)
        )
        for row in rows:
            client = (
                Client.objects.with_scopes_disabled()
                .select_related("agency", "user")
                .get(pk=row["client"])
            )
            completed_on = row["last"].astimezone(client_zone(client)).date()
            completion, created = completion_record(
                client=client,
                kind=CompletionKind.PROGRAM,
                completed_on=completed_on,
                program=program,
            )
            if created:
                new.append(completion)
    done_course = Completion.objects.with_scopes_disabled().filter(
        course=OuterRef("course"), client=OuterRef("client")
    )
    enrolments = (
        Enrolment.objects.with_scopes_disabled()
        .filter(completed_at__isnull=False, client__isnull=False)
        .filter(~Exists(done_course))
        .select_related("client__agency", "client__user", "course")
    )
    for enrolment in enrolments:
        client = enrolment.client
        assert client is not None
        completion, created = completion_record(
            client=client,
            kind=CompletionKind.COURSE,
            completed_on=enrolment.completed_at.astimezone(client_zone(client)).date(),  # type: ignore[union-attr]
            course=enrolment.course,
        )
        if created:
            new.append(completion)
    for completion in new:
        schedule_for_completion(completion=completion, now=now)
    return new


def _skip_locked() -> dict[str, bool]:
    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}


def schedule_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Create and send the invitations whose time has come. Each row is handled in its own
    transaction, locked (and skipped by a second worker), so a crash loses nothing: an
    unprocessed row is still pending next time."""
    now = now or timezone.now()
    handled = 0
    failed: list[int] = []
    for _round in range(limit):
        current = 0
        try:
            with transaction.atomic():
                row = (
                    FollowUpSchedule.objects.with_scopes_disabled()
                    .select_for_update(**_skip_locked())
                    .filter(status=ScheduleStatus.PENDING, due_at__lte=now)
                    .exclude(pk__in=failed)
                    .order_by("due_at", "pk")
                    .first()
                )
                if row is None:
                    break
                current = row.pk
                _process_row(row, now)
                handled += 1
        except Exception:
            # Rolled back: the row is still pending and is tried again on the next run.
            logger.exception("Scheduled invitation %s failed; it stays pending.", current)
            failed.append(current)
    return handled


def _process_row(row: FollowUpSchedule, now: datetime) -> None:
    client = (
        Client.objects.with_scopes_disabled().select_related("agency", "user").get(pk=row.client_id)
    )
    survey = row.survey
    row.processed_at = now
    if not survey.is_active:
        row.status, row.note = ScheduleStatus.SKIPPED, "survey closed"
    else:
        trigger = InvitationTrigger.FOLLOW_UP
        if row.months == 0:
            trigger = (
                InvitationTrigger.COURSE_COMPLETION
                if row.course_id
                else InvitationTrigger.PROGRAM_COMPLETION
            )
        invitation = invitation_create(
            survey=survey,
            actor=None,
            client=client,
            trigger=trigger,
            program=row.program,
            course=row.course,
            follow_up_months=row.months,
            now=now,
        )
        row.invitation = invitation
        row.status = ScheduleStatus.SENT
        row.note = invitation.send_error[:300]
    row.save(update_fields=["processed_at", "status", "note", "invitation"])


def reminders_send(*, now: datetime | None = None) -> int:
    """One reminder per unanswered invitation, N days after it was sent (agency setting)."""
    now = now or timezone.now()
    count = 0
    for row in SurveySettings.objects.with_scopes_disabled().filter(reminder_after_days__gt=0):
        due = (
            Invitation.objects.with_scopes_disabled()
            .filter(
                agency_id=row.agency_id,
                status__in=OPEN_STATUSES,
                reminded_at__isnull=True,
                sent_at__lte=now - timedelta(days=row.reminder_after_days),
                expires_at__gt=now,
            )
            .select_related("agency", "survey", "client", "user")
        )
        for invitation in due:
            with transaction.atomic():
                locked = (
                    Invitation.objects.with_scopes_disabled()
                    .select_for_update()
                    .filter(pk=invitation.pk, reminded_at__isnull=True, status__in=OPEN_STATUSES)
                    .first()
                )
                if locked is None:
                    continue
                if invitation_send(invitation=invitation, reminder=True, now=now):
                    count += 1
                else:
                    # Unreachable: do not try again every minute.
                    Invitation.objects.with_scopes_disabled().filter(pk=invitation.pk).update(
                        reminded_at=now
                    )
    return count


def schedule_process(*, now: datetime | None = None) -> dict[str, int]:
    """What the periodic task does: detect completions, send what is due, send reminders."""
    now = now or timezone.now()
    completions = completions_detect(now=now)
    sent = schedule_send_due(now=now)
    reminded = reminders_send(now=now)
    return {"completions": len(completions), "sent": sent, "reminded": reminded}
