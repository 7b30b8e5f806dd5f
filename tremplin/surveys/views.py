"""Survey pages: the builder and invitations in the staff area, and the respondent's page
reached by a single-use link (no login, no JavaScript needed).

Views parse input, call one service or selector and render. Refused input re-renders the
form with a message and writes nothing.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from tremplin.agencies.policy import Perm, agency_view, has_perm
from tremplin.agencies.requests import AgencyRequest
from tremplin.audit.reads import record_read
from tremplin.surveys import selectors, services
from tremplin.surveys.forms import (
    CohortForm,
    ImportForm,
    QuestionForm,
    SectionForm,
    SettingsForm,
    SurveyForm,
    language_name,
)
from tremplin.surveys.models import Audience, Invitation, Question, QuestionType, Survey
from tremplin.surveys.services import SurveyRefused
from tremplin.surveys.templates_data import ensure_network_templates
from tremplin.surveys.xlsform import XLSFormError, xlsform_export, xlsform_import

PER_PAGE = 50


def _url(name: str, request: AgencyRequest, **kwargs: Any) -> str:
    return reverse(f"surveys:{name}", kwargs={"agency_slug": request.agency.slug, **kwargs})


def _redirect(name: str, request: AgencyRequest, **kwargs: Any) -> HttpResponseRedirect:
    return redirect(_url(name, request, **kwargs))


def _save(form: Form, save: Callable[[], Any]) -> Any | None:
    """Run a service for a valid form; its refusal becomes the form's error."""
    try:
        return save()
    except ValidationError as error:
        # Field names of the service (e.g. "languages") are not always the form's: one message list.
        form.add_error(None, error.messages)
    except SurveyRefused as error:
        form.add_error(None, str(error))
    return None


def _earlier(
    survey: Survey, *, before_question: Question | None = None, before_section: Any = None
) -> list[Question]:
    """The questions a condition may use: those before the question (or page)."""
    result: list[Question] = []
    for page in services.survey_pages(survey):
        if before_section is not None and page.section.pk == before_section.pk:
            return result
        for question in page.questions:
            if before_question is not None and question.pk == before_question.pk:
                return result
            result.append(question)
    return result


# ---------------------------------------------------------------------------------------------
# Staff: list, builder


@agency_view(perm=Perm.CLIENTS_MANAGE)
def survey_list(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "surveys/staff/survey_list.html",
        {
            "surveys": selectors.survey_list_for_agency(agency=request.agency),
            "can_build": has_perm(request, Perm.CATALOGUE_MANAGE),
        },
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def survey_create(request: AgencyRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = _save(
            form,
            lambda: services.survey_create(
                agency=request.agency, actor=request.user, **form.service_kwargs()
            ),
        )
        if survey is not None:
            messages.success(request, _("Survey created. Add its questions."))
            return _redirect("survey_detail", request, survey_id=survey.pk)
    return render(request, "surveys/staff/form.html", {"form": form, "title": _("New survey")})


@agency_view(perm=Perm.CLIENTS_MANAGE)
def survey_detail(request: AgencyRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get(agency=request.agency, survey_id=survey_id)
    return render(
        request,
        "surveys/staff/survey_detail.html",
        {
            "survey": survey,
            "pages": services.survey_pages(survey),
            "can_build": has_perm(request, Perm.CATALOGUE_MANAGE),
        },
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def survey_edit(request: AgencyRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get(agency=request.agency, survey_id=survey_id)
    form = SurveyForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda: services.survey_update(
                survey=survey,
                actor=request.user,
                is_active=form.cleaned_data["is_active"],
                **form.service_kwargs(),
            ),
        )
        if saved is not None:
            messages.success(request, _("Survey saved."))
            return _redirect("survey_detail", request, survey_id=survey.pk)
    return render(
        request,
        "surveys/staff/form.html",
        {"form": form, "survey": survey, "title": _("Edit the survey")},
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def section_create(request: AgencyRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get(agency=request.agency, survey_id=survey_id)
    form = SectionForm(request.POST or None, survey=survey, earlier=_earlier(survey))
    if request.method == "POST" and form.is_valid():
        section = _save(
            form,
            lambda: services.section_create(
                survey=survey, actor=request.user, title=form.title(), relevance=form.rule()
            ),
        )
        if section is not None:
            messages.success(request, _("Page added."))
            return _redirect("survey_detail", request, survey_id=survey.pk)
    return render(
        request, "surveys/staff/form.html", {"form": form, "survey": survey, "title": _("New page")}
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def section_edit(request: AgencyRequest, section_id: int) -> HttpResponse:
    section = selectors.section_get(agency=request.agency, section_id=section_id)
    survey = section.survey
    form = SectionForm(
        request.POST or None,
        survey=survey,
        section=section,
        earlier=_earlier(survey, before_section=section),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda: services.section_update(
                section=section, actor=request.user, title=form.title(), relevance=form.rule()
            ),
        )
        if saved is not None:
            messages.success(request, _("Page saved."))
            return _redirect("survey_detail", request, survey_id=survey.pk)
    return render(
        request,
        "surveys/staff/form.html",
        {"form": form, "survey": survey, "title": _("Edit the page")},
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def section_delete(request: AgencyRequest, section_id: int) -> HttpResponse:
    section = selectors.section_get(agency=request.agency, section_id=section_id)
    if request.method == "POST":
        try:
            services.section_delete(section=section, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Page deleted."))
    return _redirect("survey_detail", request, survey_id=section.survey_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def question_create(request: AgencyRequest, section_id: int) -> HttpResponse:
    section = selectors.section_get(agency=request.agency, section_id=section_id)
    survey = section.survey
    # A new question goes last in its page: every question of this and earlier pages precede it.
    earlier = []
    for page in services.survey_pages(survey):
        earlier += page.questions
        if page.section.pk == section.pk:
            break
    form = QuestionForm(request.POST or None, survey=survey, earlier=earlier)
    if request.method == "POST" and form.is_valid():
        question = _save(
            form,
            lambda: services.question_create(
                section=section, actor=request.user, **form.service_kwargs()
            ),
        )
        if question is not None:
            messages.success(request, _("Question added."))
            return _redirect("survey_detail", request, survey_id=survey.pk)
    return render(
        request,
        "surveys/staff/form.html",
        {"form": form, "survey": survey, "title": _("New question")},
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def question_edit(request: AgencyRequest, survey_id: int, question_name: str) -> HttpResponse:
    question = selectors.question_get(
        agency=request.agency, survey_id=survey_id, name=question_name
    )
    survey = question.survey
    form = QuestionForm(
        request.POST or None,
        survey=survey,
        question=question,
        earlier=_earlier(survey, before_question=question),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda: services.question_update(
                question=question, actor=request.user, **form.service_kwargs()
            ),
        )
        if saved is not None:
            messages.success(request, _("Question saved."))
            return _redirect("survey_detail", request, survey_id=survey.pk)
        question.refresh_from_db()
    return render(
        request,
        "surveys/staff/form.html",
        {"form": form, "survey": survey, "title": _("Edit the question")},
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def question_delete(request: AgencyRequest, survey_id: int, question_name: str) -> HttpResponse:
    question = selectors.question_get(
        agency=request.agency, survey_id=survey_id, name=question_name
    )
    if request.method == "POST":
        try:
            services.question_delete(question=question, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Question deleted."))
    return _redirect("survey_detail", request, survey_id=question.survey_id)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def question_move(request: AgencyRequest, survey_id: int, question_name: str) -> HttpResponse:
    question = selectors.question_get(
        agency=request.agency, survey_id=survey_id, name=question_name
    )
    if request.method == "POST":
        try:
            services.question_move(
                question=question, actor=request.user, up=request.POST.get("direction") == "up"
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _redirect("survey_detail", request, survey_id=question.survey_id)


# ---------------------------------------------------------------------------------------------
# Staff: templates, XLSForm, settings


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def templates(request: AgencyRequest) -> HttpResponse:
    ensure_network_templates(request.agency.network)
    return render(
        request,
        "surveys/staff/templates.html",
        {"templates": selectors.templates_for_agency(agency=request.agency)},
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def adopt(request: AgencyRequest, survey_id: int) -> HttpResponse:
    template = selectors.template_get(agency=request.agency, survey_id=survey_id)
    if request.method != "POST":
        return _redirect("templates", request)
    survey = services.survey_adopt(template=template, agency=request.agency, actor=request.user)
    messages.success(request, _("Survey adopted. Review it, then invite people."))
    return _redirect("survey_detail", request, survey_id=survey.pk)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def import_xlsform(request: AgencyRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = xlsform_import(
                data=form.cleaned_data["file"], agency=request.agency, actor=request.user
            )
        except (XLSFormError, ValidationError) as error:
            form.add_error(
                None, " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("Survey imported."))
            return _redirect("survey_detail", request, survey_id=survey.pk)
    return render(
        request,
        "surveys/staff/form.html",
        {"form": form, "title": _("Import an XLSForm"), "upload": True},
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def export_xlsform(request: AgencyRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get(agency=request.agency, survey_id=survey_id)
    response = HttpResponse(
        xlsform_export(survey),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
    return response


@agency_view(perm=Perm.AGENCY_MANAGE)
def settings_edit(request: AgencyRequest) -> HttpResponse:
    surveys = list(
        selectors.survey_list_for_agency(agency=request.agency).filter(audience=Audience.CLIENTS)
    )
    row = selectors.survey_settings_get(agency=request.agency)
    form = SettingsForm(
        request.POST or None,
        surveys=surveys,
        initial={
            "end_of_program_survey": row.end_of_program_survey_id or "",
            "follow_up_survey": row.follow_up_survey_id or "",
            "follow_up_basis": row.follow_up_basis,
            "reminder_after_days": row.reminder_after_days,
            "valid_days": row.valid_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        by_id = {str(s.pk): s for s in surveys}
        data = form.cleaned_data
        saved = _save(
            form,
            lambda: services.survey_settings_update(
                agency=request.agency,
                actor=request.user,
                end_of_program_survey=by_id.get(data["end_of_program_survey"]),
                follow_up_survey=by_id.get(data["follow_up_survey"]),
                follow_up_basis=data["follow_up_basis"],
                reminder_after_days=data["reminder_after_days"],
                valid_days=data["valid_days"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Settings saved."))
            return _redirect("survey_list", request)
    return render(
        request, "surveys/staff/form.html", {"form": form, "title": _("Automatic invitations")}
    )


# ---------------------------------------------------------------------------------------------
# Staff: invitations and responses


@agency_view(perm=Perm.CLIENTS_MANAGE)
def invitations(request: AgencyRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get(agency=request.agency, survey_id=survey_id)
    page = Paginator(selectors.invitations_for_survey(survey=survey), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "surveys/staff/invitations.html", {"survey": survey, "page": page})


def _cohort_form(request: AgencyRequest, data: Any) -> CohortForm:
    from tremplin.learning.models import Course
    from tremplin.programs.models import Program, Session

    return CohortForm(
        data,
        sessions=Session.objects.filter(agency=request.agency).order_by("-starts_at")[:200],
        programs=Program.objects.filter(agency=request.agency),
        courses=Course.objects.filter(enrolments__agency=request.agency).distinct(),
    )


def _cohort(
    request: AgencyRequest, survey: Survey, form: CohortForm
) -> tuple[list[Any], dict[str, Any]]:
    from tremplin.accounts.models import User
    from tremplin.agencies.roles import STAFF_ROLES
    from tremplin.learning.models import Course
    from tremplin.programs.models import Program

    data = form.cleaned_data
    cohort = data["cohort"]
    extra: dict[str, Any] = {}
    if cohort == "staff":
        people = list(
            User.objects.filter(
                memberships__agency=request.agency,
                memberships__role__in=list(STAFF_ROLES),
                memberships__is_active=True,
            ).distinct()
        )
        return people, extra
    ref = int(data[cohort])
    if cohort == "program":
        extra["program"] = Program.objects.filter(agency=request.agency, pk=ref).first()
    if cohort == "course":
        extra["course"] = Course.objects.filter(pk=ref).first()
    return selectors.cohort_clients(agency=request.agency, cohort=cohort, ref=ref), extra


@agency_view(perm=Perm.CLIENTS_MANAGE)
def invite(request: AgencyRequest, survey_id: int) -> HttpResponse:
    """GET: choose a cohort and preview who gets an invitation; POST: send them."""
    survey = selectors.survey_get(agency=request.agency, survey_id=survey_id)
    source = (
        request.POST
        if request.method == "POST"
        else (request.GET if "cohort" in request.GET else None)
    )
    form = _cohort_form(request, source)
    people: list[Any] = []
    if form.is_bound and form.is_valid():
        people, extra = _cohort(request, survey, form)
        staff = form.cleaned_data["cohort"] == "staff"
        if staff != (survey.audience == Audience.STAFF):
            form.add_error(
                "cohort",
                _("This survey is for staff.")
                if survey.audience == Audience.STAFF
                else _("This survey is for clients."),
            )
            people = []
        elif request.method == "POST":
            if not survey.is_active:
                messages.error(request, _("This survey is closed."))
                return _redirect("invitations", request, survey_id=survey.pk)
            if staff:
                created = [
                    services.invitation_create(
                        survey=survey, actor=request.user, user=person, program=extra.get("program")
                    )
                    for person in people
                ]
            else:
                created = services.invitations_bulk_create(
                    survey=survey, actor=request.user, clients=people, **extra
                )
            messages.success(
                request,
                ngettext("%(n)d invitation created.", "%(n)d invitations created.", len(created))
                % {"n": len(created)},
            )
            return _redirect("invitations", request, survey_id=survey.pk)
    return render(
        request, "surveys/staff/invite.html", {"survey": survey, "form": form, "people": people}
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def invitation_cancel(request: AgencyRequest, invitation_id: int) -> HttpResponse:
    invitation = selectors.invitation_get(agency=request.agency, invitation_id=invitation_id)
    if request.method == "POST":
        try:
            services.invitation_cancel(invitation=invitation, actor=request.user)
        except SurveyRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Invitation cancelled."))
    return _redirect("invitations", request, survey_id=invitation.survey_id)


@agency_view(perm=Perm.CLIENTS_MANAGE)
def responses(request: AgencyRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_get(agency=request.agency, survey_id=survey_id)
    page = Paginator(selectors.responses_for_survey(survey=survey), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "surveys/staff/responses.html", {"survey": survey, "page": page})


@agency_view(perm=Perm.CLIENTS_MANAGE)
def response_detail(request: AgencyRequest, response_id: str) -> HttpResponse:
    response = selectors.response_get(agency=request.agency, response_id=response_id)
    # A read of personal data when the response names a client (anonymous ones do not).
    record_read(request, action="survey_response.view", ids={"client_id": response.client_id})
    answers = [
        (answer.question, _display(answer.question, answer.value, translation.get_language()))
        for answer in selectors.answers_of(response=response)
    ]
    return render(
        request, "surveys/staff/response_detail.html", {"response": response, "answers": answers}
    )


def _display(question: Question, value: Any, language: str) -> str:
    labels = {
        str(c["value"]): c["label"].get(language) or c["label"].get("en", "")
        for c in question.choices
    }
    if question.question_type == QuestionType.YES_NO:
        return _("Yes") if value == "yes" else _("No")
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value)
    return labels.get(str(value), str(value))


# ---------------------------------------------------------------------------------------------
# The respondent's page


LIKERT_LABELS = {
    1: ("Strongly disagree", "Pas du tout d'accord"),
    2: ("Disagree", "Pas d'accord"),
    3: ("Neutral", "Neutre"),
    4: ("Agree", "D'accord"),
    5: ("Strongly agree", "Tout à fait d'accord"),
}


def _content_language(request: AgencyRequest, invitation: Invitation) -> str:
    languages = invitation.survey.languages
    wanted = request.GET.get("lang") or request.POST.get("lang") or ""
    if wanted in languages:
        return wanted
    current = translation.get_language() or ""
    if current in languages:
        return current
    return invitation.language


def _question_view(question: Question, language: str, value: Any, error: str) -> dict[str, Any]:
    options: list[tuple[str, str]] = []
    if question.question_type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        options = [
            (str(c["value"]), c["label"].get(language) or c["label"].get("en", ""))
            for c in question.choices
        ]
    elif question.question_type == QuestionType.YES_NO:
        options = [("yes", _("Yes")), ("no", _("No"))]
    elif question.question_type == QuestionType.LIKERT:
        options = [
            (str(n), f"{n} · " + (fr if language == "fr" else en))
            for n, (en, fr) in LIKERT_LABELS.items()
        ]
    elif question.question_type == QuestionType.NPS:
        options = [(str(n), str(n)) for n in range(11)]
    selected = value if isinstance(value, list) else ([] if value in (None, "") else [str(value)])
    return {
        "q": question,
        "label": question.label.localize(language),
        "hint": question.hint.localize(language) if question.hint else "",
        "options": options,
        "value": "" if value is None or isinstance(value, list) else str(value),
        "selected": [str(v) for v in selected],
        "error": error,
    }


def _refused(request: AgencyRequest, error: SurveyRefused, status: int = 410) -> HttpResponse:
    codes = {"unknown": 404, "used": 409, "expired": 410, "cancelled": 410, "closed": 410}
    return render(
        request,
        "surveys/refused.html",
        {"message": error.message, "code": error.code},
        status=codes.get(error.code, status),
    )


@never_cache
@agency_view(public=True)
def respond(request: AgencyRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(agency=request.agency, token=token)
    except SurveyRefused as error:
        return _refused(request, error)
    survey = invitation.survey
    language = _content_language(request, invitation)
    pages = services.survey_pages(survey)
    excluded = services.questions_excluded_for(invitation, pages)
    draft = dict(invitation.draft or {})
    shown = services.visible_pages(pages, draft, excluded)
    index = min(invitation.page, max(len(shown) - 1, 0))
    errors: dict[str, str] = {}
    values: dict[str, Any] = dict(draft)
    if request.method == "GET":
        services.invitation_mark_opened(invitation=invitation)
    else:
        action = request.POST.get("action", "next")
        try:
            index = int(request.POST.get("page", index))
        except ValueError:
            index = 0
        index = min(max(index, 0), max(len(shown) - 1, 0))
        current = shown[index].questions if shown else []
        raw = {
            q.name: request.POST.getlist(q.name)
            if q.question_type == QuestionType.MULTIPLE
            else request.POST.get(q.name)
            for q in current
        }
        cleaned, errors = services.clean_page_answers(current, raw)
        values.update({k: v for k, v in raw.items()})
        if action == "back":
            try:
                services.response_save_draft(
                    invitation=invitation,
                    answers={k: v for k, v in cleaned.items() if k not in errors},
                    page=index - 1,
                )
            except SurveyRefused as error:
                return _refused(request, error)
            return redirect(
                request.path
                + (f"?lang={language}" if language != translation.get_language() else "")
            )
        # Required questions shown on this page, given the answers so far.
        merged = {**draft, **{k: v for k, v in cleaned.items() if k not in errors}}
        merged = {k: v for k, v in merged.items() if v is not None}
        visible_now = {q.name for q in services.visible_questions(pages, merged, excluded)}
        for q in current:
            if (
                action != "save"  # saving for later never insists
                and q.name in visible_now
                and q.required
                and q.name not in errors
                and cleaned.get(q.name) is None
            ):
                errors[q.name] = _("Please answer this question.")
        # An answer on this page may show another question of the same page (no JavaScript to
        # reveal it): keep the answers and show the page again with it.
        displayed = {q.name for q in current}
        this_section = shown[index].section.pk if shown else None
        appeared = [
            q
            for q in services.visible_questions(pages, merged, excluded)
            if q.section_id == this_section and q.name not in displayed
        ]
        if appeared and not errors:
            try:
                services.response_save_draft(invitation=invitation, answers=cleaned, page=index)
            except SurveyRefused as error:
                return _refused(request, error)
            return redirect(
                request.path
                + (f"?lang={language}" if language != translation.get_language() else "")
                + f"#q-{appeared[0].name}"
            )
        if not errors:
            next_pages = services.visible_pages(pages, merged, excluded)
            position = (
                next(
                    (
                        i
                        for i, p in enumerate(next_pages)
                        if p.section.pk == shown[index].section.pk
                    ),
                    index,
                )
                if shown
                else 0
            )
            last = position >= len(next_pages) - 1
            try:
                if last and action in ("submit", "next"):
                    services.response_submit(
                        invitation=invitation, answers=merged, language=language
                    )
                    return render(
                        request, "surveys/thanks.html", {"survey": survey, "language": language}
                    )
                services.response_save_draft(
                    invitation=invitation,
                    answers=cleaned,
                    page=position if action == "save" else position + 1,
                )
            except SurveyRefused as error:
                if error.code in services.REFUSALS:
                    return _refused(request, error)
                errors[error.field or "__all__"] = str(error)
            else:
                if action == "save":
                    messages.success(
                        request, _("Your answers are saved. Use the same link to finish later.")
                    )
                return redirect(
                    request.path
                    + (f"?lang={language}" if language != translation.get_language() else "")
                )
    current_page = shown[index] if shown else None
    questions = [
        _question_view(q, language, values.get(q.name), errors.get(q.name, ""))
        for q in (current_page.questions if current_page else [])
    ]
    return render(
        request,
        "surveys/respond.html",
        {
            "survey": survey,
            "invitation": invitation,
            "language": language,
            "title": survey.title.localize(language),
            "description": survey.description.localize(language) if survey.description else "",
            "page_title": current_page.section.title.localize(language)
            if current_page and current_page.section.title
            else "",
            "questions": questions,
            "index": index,
            "total": len(shown),
            "is_last": index >= len(shown) - 1,
            "form_error": errors.get("__all__", ""),
            "has_errors": bool(errors),
            "languages": [(code, language_name(code)) for code in survey.languages],
        },
        status=400 if errors else 200,
    )
