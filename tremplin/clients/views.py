"""Client pages (their own record, under me/) and staff pages (any record of the agency).

Every staff page about one client goes through `_staff_client`, which answers 404 for a
record of another agency and writes "client.view" to the audit log when the page is read.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tremplin.accounts.selectors import signed_in_user
from tremplin.agencies.policy import Perm, agency_view, has_perm
from tremplin.agencies.requests import AgencyRequest
from tremplin.agencies.roles import Role
from tremplin.agencies.selectors import staff_memberships
from tremplin.audit.reads import audited_read
from tremplin.clients import forms as client_forms
from tremplin.clients import selectors, services
from tremplin.clients.intake import STEP_SLUGS, STEPS, intake_progress, step_after
from tremplin.clients.models import ArrivalStatus, Client, LocationType, Need
from tremplin.clients.reference import country_name, language_name, noc_get
from tremplin.clients.scoring import score_digital_assessment
from tremplin.core.choices import DeliveryMode

PAGE_SIZE = 25


def _url(request: AgencyRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"clients:{name}", kwargs={"agency_slug": request.agency.slug, **kwargs})


def _staff_client(request: AgencyRequest, client_id: int) -> Client:
    client = selectors.client_get_for_agency(agency=request.agency, client_id=client_id)
    if request.method == "GET":
        services.client_access_log(client=client, actor=request.user, action="client.view")
    return client


def _profile_facts(client: Client) -> dict[str, Any]:
    """Display values that need the reference lists, in the page's language."""
    language = (get_language() or "en")[:2]
    occupation = noc_get(client.noc_code)
    return {
        "language_name": language_name(client.preferred_language),
        "occupation": f"{occupation.code} — {occupation.title(language)}" if occupation else "",
        "education_country": country_name(client.education_country, language),
    }


# ---- intake steps (shared by the client and the counsellor) -----------------------------


def _step_form(step: str, request: AgencyRequest, client: Client, *, staff: bool) -> Any:
    data = request.POST if request.method == "POST" else None
    if step == "about":
        return client_forms.AboutForm(data, client=client, staff=staff)
    if step == "arrival":
        return client_forms.ArrivalForm(data, client=client, staff=staff)
    if step == "languages":
        return client_forms.LanguagesForm(data, client=client, staff=staff)
    if step == "work":
        return client_forms.WorkForm(data, client=client, staff=staff)
    return client_forms.ContactForm(
        data,
        client=client,
        staff=staff,
        consent_texts=selectors.consent_texts_current(),
        consents=selectors.consent_state(client=client),
    )


@transaction.atomic
def _save_step(step: str, form: Any, client: Client, actor: Any) -> None:
    if step == "languages":
        services.client_set_languages(client=client, actor=actor, languages=form.entries())
    elif step == "contact":
        services.client_update(
            client=client, actor=actor, changes={"phone": form.cleaned_data["phone"]}
        )
        services.client_update_contact_preferences(
            client=client, channels=form.channels(), actor=actor
        )
        services.consent_update(client=client, choices=form.consent_choices(), actor=actor)
    else:
        services.client_update(client=client, actor=actor, changes=form.changes())
    services.client_complete_intake(client=client, actor=actor)


def _intake_step(request: AgencyRequest, client: Client, step: str, *, staff: bool) -> HttpResponse:
    if step not in STEP_SLUGS:
        raise Http404
    form = _step_form(step, request, client, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            _save_step(step, form, client, request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Saved."))
            following = step_after(step)
            if "finish_later" in request.POST or following is None:
                if staff:
                    return redirect(_url(request, "detail", client_id=client.pk))
                if following is None and selectors.client_latest_assessment(client=client) is None:
                    return redirect(_url(request, "me_digital"))
                return redirect(_url(request, "me"))
            if staff:
                return redirect(_url(request, "intake_step", client_id=client.pk, step=following))
            return redirect(_url(request, "me_intake_step", step=following))
    progress = intake_progress(client=client)
    current = next(state for state in progress.steps if state.step.slug == step)
    return render(
        request,
        "clients/intake_step.html",
        {
            "form": form,
            "client": client,
            "progress": progress,
            "current": current,
            "staff": staff,
            "step_count": len(STEPS),
        },
        status=400 if request.method == "POST" else 200,
    )


# ---- the client's own pages -------------------------------------------------------------


@agency_view(perm=Perm.CLIENT_AREA)
def me_overview(request: AgencyRequest) -> HttpResponse:
    client = selectors.client_get_own(agency=request.agency, user=request.user)
    assessment = selectors.client_latest_assessment(client=client)
    return render(
        request,
        "clients/me_overview.html",
        {
            "client": client,
            "progress": intake_progress(client=client),
            "assessment": assessment,
            "result": score_digital_assessment(assessment.answers) if assessment else None,
            "consents": selectors.consent_state(client=client),
            "facts": _profile_facts(client),
            "languages": client.languages.all(),
        },
    )


@agency_view(perm=Perm.CLIENT_AREA)
def me_intake_start(request: AgencyRequest) -> HttpResponse:
    client = selectors.client_get_own(agency=request.agency, user=request.user)
    return redirect(
        _url(request, "me_intake_step", step=intake_progress(client=client).next_step.slug)
    )


@agency_view(perm=Perm.CLIENT_AREA)
def me_intake_step(request: AgencyRequest, step: str) -> HttpResponse:
    client = selectors.client_get_own(agency=request.agency, user=request.user)
    return _intake_step(request, client, step, staff=False)


def _digital(request: AgencyRequest, client: Client, *, done_url: str, staff: bool) -> HttpResponse:
    form = client_forms.DigitalAssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.digital_assessment_record(
            client=client, answers=form.answers(), actor=request.user
        )
        messages.success(request, _("Thank you. Your answers are saved."))
        return redirect(done_url)
    return render(
        request,
        "clients/digital_form.html",
        {"form": form, "client": client, "staff": staff},
        status=400 if request.method == "POST" else 200,
    )


@agency_view(perm=Perm.CLIENT_AREA)
def me_digital(request: AgencyRequest) -> HttpResponse:
    client = selectors.client_get_own(agency=request.agency, user=request.user)
    return _digital(request, client, done_url=_url(request, "me_digital_result"), staff=False)


@agency_view(perm=Perm.CLIENT_AREA)
def me_digital_result(request: AgencyRequest) -> HttpResponse:
    client = selectors.client_get_own(agency=request.agency, user=request.user)
    assessment = selectors.client_latest_assessment(client=client)
    if assessment is None:
        return redirect(_url(request, "me_digital"))
    return render(
        request,
        "clients/digital_result.html",
        {
            "client": client,
            "assessment": assessment,
            "result": score_digital_assessment(assessment.answers),
        },
    )


def _consents(
    request: AgencyRequest, client: Client, *, on_behalf: bool, done_url: str, template: str
) -> HttpResponse:
    form = client_forms.ConsentForm(
        request.POST if request.method == "POST" else None,
        consent_texts=selectors.consent_texts_current(),
        consents=selectors.consent_state(client=client),
        on_behalf=on_behalf,
    )
    if request.method == "POST" and form.is_valid():
        services.consent_update(client=client, choices=form.choices(), actor=request.user)
        messages.success(
            request,
            _("Your consent choices are saved.") if not on_behalf else _("Consent recorded."),
        )
        return redirect(done_url)
    history = client.consent_records.select_related("text", "actor").order_by(
        "-recorded_at", "-id"
    )[:50]
    return render(request, template, {"form": form, "client": client, "history": history})


@agency_view(perm=Perm.CLIENT_AREA)
def me_consents(request: AgencyRequest) -> HttpResponse:
    client = selectors.client_get_own(agency=request.agency, user=request.user)
    return _consents(
        request,
        client,
        on_behalf=False,
        done_url=_url(request, "me"),
        template="clients/consents.html",
    )


# ---- staff pages ------------------------------------------------------------------------


@agency_view(perm=Perm.CLIENTS_VIEW)
@audited_read("client.list")
def client_list(request: AgencyRequest) -> HttpResponse:
    filters = selectors.ClientFilters.from_params(request.GET)
    page = Paginator(
        selectors.client_list_for_staff(agency=request.agency, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/client_list.html",
        {
            "page": page,
            "filters": filters,
            "needs": Need.choices,
            "arrival_statuses": ArrivalStatus.choices,
            "location_types": LocationType.choices,
            "modes": DeliveryMode.choices,
        },
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_new(request: AgencyRequest) -> HttpResponse:
    form = client_forms.ClientCreateForm(request.POST if request.method == "POST" else None)
    duplicates: list[Client] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.client_possible_duplicates(
            agency=request.agency, email=data["email"], phone=data["phone"]
        )
        if not duplicates or data["confirm_not_duplicate"]:
            try:
                client = services.client_create(
                    agency=request.agency,
                    actor=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                    preferred_language=data["preferred_language"],
                    counsellor=(
                        signed_in_user(request) if Role.COUNSELLOR in request.agency_roles else None
                    ),
                    refuse_duplicates=not data["confirm_not_duplicate"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
                duplicates = selectors.client_possible_duplicates(
                    agency=request.agency, email=data["email"], phone=data["phone"]
                )
            else:
                messages.success(request, _("Client record created. Continue the intake."))
                return redirect(
                    _url(request, "intake_step", client_id=client.pk, step=STEP_SLUGS[0])
                )
        else:
            form.add_error(
                None,
                _(
                    "A client with this email or phone number already exists. Check the records below."
                ),
            )
    return render(
        request,
        "clients/client_new.html",
        {"form": form, "duplicates": duplicates},
        status=400 if request.method == "POST" else 200,
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
@audited_read("client.duplicates")
def client_duplicates(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "clients/duplicates.html",
        {"groups": selectors.client_duplicate_groups(agency=request.agency)},
    )


@agency_view(perm=Perm.CLIENTS_VIEW)
def client_detail(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = _staff_client(request, client_id)
    assessments = list(selectors.client_assessments(client=client)[:10])
    latest = assessments[0] if assessments else None
    staff = [membership.user for membership in staff_memberships(agency=request.agency)]
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "facts": _profile_facts(client),
            "languages": client.languages.all(),
            "progress": intake_progress(client=client),
            "assessments": assessments,
            "result": score_digital_assessment(latest.answers) if latest else None,
            "needs_assessments": list(selectors.client_needs_assessments(client=client)[:5]),
            "referrals": selectors.referrals_for_client(client=client),
            "status_form": client_forms.ReferralStatusForm(initial={"on": timezone.localdate()}),
            "consents": selectors.consent_state(client=client),
            "channels": selectors.client_contact_channels(client=client),
            "duplicates": selectors.client_possible_duplicates(
                agency=request.agency, email=client.email, phone=client.phone, exclude_id=client.pk
            ),
            "counsellor_form": client_forms.CounsellorForm(
                staff=list({p.pk: p for p in staff}.values()),
                initial={"counsellor": client.counsellor_id},
            ),
            "may_manage": has_perm(request, Perm.CLIENTS_MANAGE),
            "may_note": has_perm(request, Perm.CASE_NOTES),
            "may_audit": has_perm(request, Perm.AUDIT_VIEW),
        },
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_intake_step(request: AgencyRequest, client_id: int, step: str) -> HttpResponse:
    client = _staff_client(request, client_id)
    return _intake_step(request, client, step, staff=True)


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_digital(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = _staff_client(request, client_id)
    return _digital(
        request, client, done_url=_url(request, "detail", client_id=client.pk), staff=True
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_needs(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = _staff_client(request, client_id)
    form = client_forms.NeedsAssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.needs_assessment_create(
            client=client, actor=request.user, needs=form.needs(), notes=form.cleaned_data["notes"]
        )
        messages.success(request, _("Needs assessment saved."))
        return redirect(_url(request, "detail", client_id=client.pk))
    return render(
        request,
        "clients/needs_form.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def referral_new(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = _staff_client(request, client_id)
    form = client_forms.ReferralForm(
        request.POST if request.method == "POST" else None,
        initial={"made_on": timezone.localdate(), "kind": "internal"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(client=client, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Referral saved."))
            return redirect(_url(request, "detail", client_id=client.pk))
    return render(
        request,
        "clients/referral_form.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def referral_status(request: AgencyRequest, client_id: int, referral_id: int) -> HttpResponse:
    client = selectors.client_get_for_agency(agency=request.agency, client_id=client_id)
    referral = selectors.referral_get_for_client(client=client, referral_id=referral_id)
    if request.method != "POST":  # after the lookups: another agency's ids answer 404
        return HttpResponseNotAllowed(["POST"])
    form = client_forms.ReferralStatusForm(request.POST)
    if form.is_valid():
        try:
            services.referral_set_status(
                referral=referral,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Referral updated."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_url(request, "detail", client_id=client.pk) + "#referrals")


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_consents(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = _staff_client(request, client_id)
    return _consents(
        request,
        client,
        on_behalf=True,
        done_url=_url(request, "detail", client_id=client.pk),
        template="clients/consents.html",
    )


@agency_view(perm=Perm.CASE_NOTES)
def case_notes(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = _staff_client(request, client_id)
    form = client_forms.CaseNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.case_note_create(
            client=client, author=signed_in_user(request), body=form.cleaned_data["body"]
        )
        messages.success(request, _("Note saved."))
        return redirect(_url(request, "notes", client_id=client.pk))
    return render(
        request,
        "clients/case_notes.html",
        {"form": form, "client": client, "notes": selectors.case_notes_for_client(client=client)},
        status=400 if request.method == "POST" else 200,
    )


@agency_view(perm=Perm.CASE_NOTES)
def case_note_edit(request: AgencyRequest, client_id: int, casenote_id: int) -> HttpResponse:
    client = _staff_client(request, client_id)
    note = selectors.case_note_get_for_client(client=client, casenote_id=casenote_id)
    if note.author_id != request.user.pk:
        raise Http404  # only the author edits a note
    form = client_forms.CaseNoteForm(
        request.POST if request.method == "POST" else None, initial={"body": note.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_note_update(
                note=note, actor=signed_in_user(request), body=form.cleaned_data["body"]
            )
        except PermissionDenied as error:
            raise Http404 from error
        messages.success(request, _("Note updated. The earlier text is kept in its history."))
        return redirect(_url(request, "notes", client_id=client.pk))
    return render(
        request,
        "clients/case_note_edit.html",
        {"form": form, "client": client, "note": note},
        status=400 if request.method == "POST" else 200,
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_export(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = selectors.client_get_for_agency(agency=request.agency, client_id=client_id)
    services.client_access_log(client=client, actor=request.user, action="client.export")
    response = JsonResponse(
        selectors.client_export_data(client=client),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}.json"'
    return response


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_merge(request: AgencyRequest, client_id: int) -> HttpResponse:
    """Keep this record and fold another one (?other=<id>) into it."""
    keep = _staff_client(request, client_id)
    form = client_forms.MergeForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        raise Http404
    other = selectors.client_get_for_agency(
        agency=request.agency, client_id=form.cleaned_data["other"]
    )
    if request.method == "POST":
        try:
            services.client_merge(keep=keep, duplicate=other, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Records merged. Everything linked to the other record now belongs to this one."),
            )
        return redirect(_url(request, "detail", client_id=keep.pk))
    return render(
        request, "clients/merge_confirm.html", {"keep": keep, "other": other, "form": form}
    )


@agency_view(perm=Perm.CLIENTS_MANAGE)
def client_counsellor(request: AgencyRequest, client_id: int) -> HttpResponse:
    client = selectors.client_get_for_agency(agency=request.agency, client_id=client_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    staff = [membership.user for membership in staff_memberships(agency=request.agency)]
    form = client_forms.CounsellorForm(request.POST, staff=staff)
    if form.is_valid():
        services.client_assign_counsellor(
            client=client, counsellor=form.cleaned_data["counsellor"], actor=request.user
        )
        messages.success(request, _("Counsellor saved."))
    else:
        messages.error(request, _("Choose a counsellor from the list."))
    return redirect(_url(request, "detail", client_id=client.pk))
