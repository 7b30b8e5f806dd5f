"""Pages of the employers capability: public job and event pages, a client's jobs, bookings
and mentoring, the employer contact's area, and staff tools.

Views parse input, call one service or selector and render. Objects addressed by id are
looked up through a selector scoped to the agency — and, for an employer contact, to their
own organisation; for a client, to their own record — before anything else, so another
agency's or another employer's id is a 404 whatever the method.
"""

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tremplin.agencies.policy import Perm, agency_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.clients.selectors import client_get_own, client_of_user
from tremplin.core.forms import form_save
from tremplin.employers import selectors, services
from tremplin.employers.forms import (
    BookSlotForm,
    ContactForm,
    EmployerForm,
    EventEmployerForm,
    FeedbackForm,
    HiringEventForm,
    InterestForm,
    InterestStatusForm,
    JobPostingForm,
    MeetingForm,
    MenteeRequestForm,
    MentorForm,
    NetworkShareForm,
    StaffFeedbackForm,
)
from tremplin.employers.jsonld import job_posting_jsonld
from tremplin.employers.models import (
    Employer,
    FeedbackSide,
    HiringEvent,
    JobInterest,
    JobPosting,
    MatchStatus,
)

JOBS_PER_PAGE = 50


def _url(name: str, request: AgencyRequest, **kwargs: Any) -> str:
    return reverse(f"employers:{name}", kwargs={"agency_slug": request.agency.slug, **kwargs})


def _redirect(name: str, request: AgencyRequest, **kwargs: Any) -> HttpResponseRedirect:
    return redirect(_url(name, request, **kwargs))


def _employer_or_404(request: AgencyRequest) -> Employer:
    employer = selectors.employer_of_user(agency=request.agency, user=request.user)
    if employer is None:
        raise Http404
    return employer


def _refused(request: AgencyRequest, refusal: services.EmployersError) -> None:
    messages.error(request, str(refusal.message))


# ---------------------------------------------------------------------------------------------
# Public pages


@agency_view(public=True)
def job_list(request: AgencyRequest) -> HttpResponse:
    postings = selectors.job_postings_open(agency=request.agency)[:JOBS_PER_PAGE]
    return render(request, "employers/job_list.html", {"postings": postings})


@agency_view(public=True)
def job_detail(request: AgencyRequest, job_posting_id: int) -> HttpResponse:
    posting = selectors.job_posting_get_public(agency=request.agency, job_posting_id=job_posting_id)
    today = selectors.today_for(request.agency)
    is_open = posting.is_open_on(today)
    client = client_of_user(agency=request.agency, user=request.user)
    interest = (
        JobInterest.objects.filter(posting=posting, client=client).first() if client else None
    )
    language = get_language() or "en"
    return render(
        request,
        "employers/job_detail.html",
        {
            "posting": posting,
            "is_open": is_open,
            "client": client,
            "interest": interest,
            "occupation": selectors.occupation_title(posting.noc_code, language),
            "jsonld": json.dumps(
                job_posting_jsonld(
                    posting,
                    url=request.build_absolute_uri(),
                    language=language,
                ),
                ensure_ascii=False,
            ).replace("<", "\\u003c")
            if is_open
            else "",
        },
    )


@agency_view(public=True)
def event_list(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "employers/event_list.html",
        {"events": selectors.hiring_events_upcoming(agency=request.agency)},
    )


@agency_view(public=True)
def event_detail(request: AgencyRequest, hiring_event_id: int) -> HttpResponse:
    event = selectors.hiring_event_get_public(
        agency=request.agency, hiring_event_id=hiring_event_id
    )
    client = client_of_user(agency=request.agency, user=request.user)
    registration = selectors.registration_for_event(event=event, client=client) if client else None
    bookings = list(selectors.slot_bookings_of_client(client=client, event=event)) if client else []
    return render(
        request,
        "employers/event_detail.html",
        {
            "event": event,
            "session": event.session,
            "participants": selectors.event_participants(event=event),
            "client": client,
            "registration": registration,
            "bookings": bookings,
            "booked_slot_ids": {b.slot_id for b in bookings},
            "form": BookSlotForm(),
            "now": timezone.now(),
        },
    )


# ---------------------------------------------------------------------------------------------
# A client's jobs, bookings and mentoring


@agency_view(perm=Perm.CLIENT_AREA)
def my_jobs(request: AgencyRequest) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    return render(
        request,
        "employers/my_jobs.html",
        {
            "client": client,
            "matches": selectors.postings_matched_for_client(client=client),
            "interests": selectors.job_interests_of_client(client=client),
            "bookings": selectors.slot_bookings_of_client(client=client),
            "events": selectors.hiring_events_upcoming(agency=request.agency)[:5],
        },
    )


@agency_view(perm=Perm.CLIENT_AREA)
def interest_create(request: AgencyRequest, job_posting_id: int) -> HttpResponse:
    posting = selectors.job_posting_get_open(agency=request.agency, job_posting_id=job_posting_id)
    client = client_get_own(agency=request.agency, user=request.user)
    form = InterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.job_interest_create(
                posting=posting,
                client=client,
                actor=request.user,
                shared_fields=form.cleaned_data["shared_fields"],
                consent=form.cleaned_data["consent"],
                message=form.cleaned_data["message"],
            )
        except services.EmployersError as refusal:
            form.add_error(None, str(refusal.message))
        else:
            messages.success(
                request,
                _("%(employer)s can now see what you chose to share.")
                % {"employer": posting.employer.name},
            )
            return _redirect("my_jobs", request)
    return render(request, "employers/interest_form.html", {"posting": posting, "form": form})


@agency_view(perm=Perm.CLIENT_AREA)
def interest_withdraw(request: AgencyRequest, job_interest_id: int) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    interest = selectors.job_interest_get_for_client(client=client, job_interest_id=job_interest_id)
    if request.method == "POST" and not interest.is_withdrawn:
        services.job_interest_withdraw(interest=interest, actor=request.user)
        messages.success(request, _("Withdrawn: the employer no longer sees your profile."))
    return _redirect("my_jobs", request)


@agency_view(perm=Perm.CLIENT_AREA)
def slot_book(request: AgencyRequest, time_slot_id: int) -> HttpResponse:
    slot = selectors.time_slot_get(agency=request.agency, time_slot_id=time_slot_id)
    client = client_get_own(agency=request.agency, user=request.user)
    event_id = slot.participant.event_id
    if request.method == "POST":
        form = BookSlotForm(request.POST)
        form.is_valid()
        try:
            services.slot_book(
                slot=slot,
                client=client,
                actor=request.user,
                share_profile=bool(form.cleaned_data.get("share_profile")),
            )
        except services.EmployersError as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("Your time with the employer is booked."))
    return _redirect("event_detail", request, hiring_event_id=event_id)


@agency_view(perm=Perm.CLIENT_AREA)
def booking_cancel(request: AgencyRequest, slot_booking_id: int) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    booking = selectors.slot_booking_get_for_client(client=client, slot_booking_id=slot_booking_id)
    if request.method == "POST":
        services.slot_booking_cancel(booking=booking, actor=request.user)
        messages.success(request, _("Your booking is cancelled."))
    return _redirect("event_detail", request, hiring_event_id=booking.slot.participant.event_id)


@agency_view(perm=Perm.CLIENT_AREA)
def my_mentoring(request: AgencyRequest) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    mine = selectors.mentoring_of_client(client=client)
    form = MenteeRequestForm(
        request.POST or None,
        initial={"noc_code": client.noc_code, "languages": [client.preferred_language]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = form_save(
                form,
                lambda: services.mentee_request_create(
                    client=client, actor=request.user, **form.cleaned_data
                ),
            )
        except services.EmployersError as refusal:
            form.add_error(None, str(refusal.message))
            created = None
        if created is not None:
            messages.success(request, _("Thank you. Staff will propose a mentor soon."))
            return _redirect("my_mentoring", request)
    return render(request, "employers/my_mentoring.html", {"form": form, **mine})


@agency_view(perm=Perm.CLIENT_AREA)
def mentee_feedback(request: AgencyRequest, mentoring_match_id: int) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    match = selectors.mentoring_match_get_for_client(
        client=client, mentoring_match_id=mentoring_match_id
    )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.mentoring_feedback_give(
            match=match, actor=request.user, side=FeedbackSide.MENTEE, **form.cleaned_data
        )
        messages.success(request, _("Thank you for your feedback."))
        return _redirect("my_mentoring", request)
    return render(request, "employers/feedback_form.html", {"match": match, "form": form})


# ---------------------------------------------------------------------------------------------
# Employer contacts


@agency_view(perm=Perm.EMPLOYER_AREA)
def employer_home(request: AgencyRequest) -> HttpResponse:
    employer = _employer_or_404(request)
    return render(
        request,
        "employers/employer_home.html",
        {
            "employer": employer,
            "postings": selectors.job_postings_for_employer(employer=employer),
            "events": selectors.hiring_events_for_employer(employer=employer),
            "mentor": selectors.mentor_of_user(agency=request.agency, user=request.user),
        },
    )


def _posting_form_page(
    request: AgencyRequest,
    *,
    employer: Employer | None,
    posting: JobPosting | None,
    done: Callable[[JobPosting], HttpResponse],
) -> HttpResponse:
    employers = (
        None
        if employer is not None or posting is not None
        else selectors.employers_usable(agency=request.agency)
    )
    form = JobPostingForm(request.POST or None, instance=posting, employers=employers)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if posting is None:
            owner = employer or form.cleaned_data["employer"]
            saved = form_save(
                form,
                lambda: services.job_posting_create(
                    employer=owner, agency=request.agency, actor=request.user, **fields
                ),
            )
        else:
            saved = form_save(
                form,
                lambda: services.job_posting_update(posting=posting, actor=request.user, **fields),
            )
        if saved is not None:
            messages.success(request, _("Job posting saved."))
            return done(saved)
    return render(request, "employers/job_form.html", {"form": form, "posting": posting})


@agency_view(perm=Perm.EMPLOYER_AREA)
def employer_job_create(request: AgencyRequest) -> HttpResponse:
    employer = _employer_or_404(request)
    return _posting_form_page(
        request,
        employer=employer,
        posting=None,
        done=lambda p: _redirect("employer_job", request, job_posting_id=p.pk),
    )


@agency_view(perm=Perm.EMPLOYER_AREA)
def employer_job_edit(request: AgencyRequest, job_posting_id: int) -> HttpResponse:
    employer = _employer_or_404(request)
    posting = selectors.job_posting_get_for_employer(
        employer=employer, job_posting_id=job_posting_id
    )
    return _posting_form_page(
        request,
        employer=employer,
        posting=posting,
        done=lambda p: _redirect("employer_job", request, job_posting_id=p.pk),
    )


def _shortlist_page(
    request: AgencyRequest, posting: JobPosting, *, status_url: str, edit_url: str
) -> HttpResponse:
    language = get_language() or "en"
    candidates = [
        (
            interest,
            selectors.shared_profile(
                client=interest.client, fields=interest.shared_fields, language=language
            ),
        )
        for interest in selectors.shortlist_for_posting(posting=posting)
    ]
    services.shortlist_view_log(
        posting=posting, actor=request.user, client_ids=[i.client_id for i, _rows in candidates]
    )
    return render(
        request,
        "employers/shortlist.html",
        {
            "posting": posting,
            "candidates": candidates,
            "status_form": InterestStatusForm(),
            "status_url": status_url,
            "edit_url": edit_url,
            "occupation": selectors.occupation_title(posting.noc_code, language),
        },
    )


@agency_view(perm=Perm.EMPLOYER_AREA)
def employer_job(request: AgencyRequest, job_posting_id: int) -> HttpResponse:
    employer = _employer_or_404(request)
    posting = selectors.job_posting_get_for_employer(
        employer=employer, job_posting_id=job_posting_id
    )
    return _shortlist_page(
        request,
        posting,
        status_url="employers:employer_interest_status",
        edit_url=_url("employer_job_edit", request, job_posting_id=posting.pk),
    )


def _set_status(request: AgencyRequest, interest: JobInterest) -> None:
    form = InterestStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
        return
    try:
        services.job_interest_set_status(
            interest=interest, actor=request.user, status=form.cleaned_data["status"]
        )
    except services.EmployersError as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Status saved."))


@agency_view(perm=Perm.EMPLOYER_AREA)
def employer_interest_status(request: AgencyRequest, job_interest_id: int) -> HttpResponse:
    employer = _employer_or_404(request)
    interest = selectors.job_interest_get_for_employer(
        employer=employer, job_interest_id=job_interest_id
    )
    if request.method == "POST":
        _set_status(request, interest)
    return _redirect("employer_job", request, job_posting_id=interest.posting_id)


@agency_view(perm=Perm.EMPLOYER_AREA)
def employer_event(request: AgencyRequest, hiring_event_id: int) -> HttpResponse:
    employer = _employer_or_404(request)
    event = selectors.hiring_event_get_for_employer(
        employer=employer, hiring_event_id=hiring_event_id
    )
    candidates, not_shared = selectors.event_candidates_for_employer(employer=employer, event=event)
    return render(
        request,
        "employers/employer_event.html",
        {
            "event": event,
            "employer": employer,
            "candidates": candidates,
            "not_shared": not_shared,
            "registrants": selectors.event_registrants_sharing(event=event),
            "participant": event.participants.filter(employer=employer).first(),
        },
    )


# ---------------------------------------------------------------------------------------------
# A mentor signed in with their employer contact login: their own mentees only


def _mentor_or_404(request: AgencyRequest) -> Any:
    mentor = selectors.mentor_of_user(agency=request.agency, user=request.user)
    if mentor is None:
        raise Http404
    return mentor


@agency_view(perm=Perm.EMPLOYER_AREA)
def mentor_home(request: AgencyRequest) -> HttpResponse:
    mentor = _mentor_or_404(request)
    return render(
        request,
        "employers/mentor_home.html",
        {"mentor": mentor, "matches": selectors.mentees_of_mentor(mentor=mentor)},
    )


@agency_view(perm=Perm.EMPLOYER_AREA)
def mentor_match(request: AgencyRequest, mentoring_match_id: int) -> HttpResponse:
    mentor = _mentor_or_404(request)
    match = selectors.mentoring_match_get_for_mentor(
        mentor=mentor, mentoring_match_id=mentoring_match_id
    )
    meeting_form = MeetingForm(request.POST if "log_meeting" in request.POST else None)
    feedback_form = FeedbackForm(request.POST if "give_feedback" in request.POST else None)
    if request.method == "POST":
        saved = None
        if "log_meeting" in request.POST and meeting_form.is_valid():
            saved = form_save(
                meeting_form,
                lambda: services.mentoring_meeting_log(
                    match=match, actor=request.user, **meeting_form.cleaned_data
                ),
            )
        elif "give_feedback" in request.POST and feedback_form.is_valid():
            saved = form_save(
                feedback_form,
                lambda: services.mentoring_feedback_give(
                    match=match,
                    actor=request.user,
                    side=FeedbackSide.MENTOR,
                    **feedback_form.cleaned_data,
                ),
            )
        if saved is not None:
            messages.success(request, _("Saved. Thank you."))
            return _redirect("mentor_match", request, mentoring_match_id=match.pk)
    return render(
        request,
        "employers/mentor_match.html",
        {
            "match": match,
            "mentee": selectors.mentee_as_seen_by_mentor(
                match=match, language=get_language() or "en"
            ),
            "meetings": selectors.mentoring_meetings(match=match),
            "feedback": match.feedback.filter(side=FeedbackSide.MENTOR),
            "meeting_form": meeting_form,
            "feedback_form": feedback_form,
        },
    )


# ---------------------------------------------------------------------------------------------
# Staff


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_home(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "employers/staff/home.html",
        {
            "employers": selectors.employer_list(agency=request.agency),
            "postings": selectors.job_postings_for_staff(agency=request.agency)[:50],
            "events": selectors.hiring_events_for_staff(agency=request.agency)[:20],
            "today": selectors.today_for(request.agency),
        },
    )


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_employer_create(request: AgencyRequest) -> HttpResponse:
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        employer = form_save(
            form,
            lambda: services.employer_create(
                agency=request.agency, actor=request.user, **form.cleaned_data
            ),
        )
        if employer is not None:
            messages.success(request, _("Employer added."))
            return _redirect("staff_employer", request, employer_id=employer.pk)
    return render(request, "employers/staff/employer_form.html", {"form": form})


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_employer_edit(request: AgencyRequest, employer_id: int) -> HttpResponse:
    employer = selectors.employer_get(agency=request.agency, employer_id=employer_id)
    form = EmployerForm(request.POST or None, instance=employer)
    if request.method == "POST" and form.is_valid():
        saved = form_save(
            form,
            lambda: services.employer_update(
                employer=employer, actor=request.user, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Employer saved."))
            return _redirect("staff_employer", request, employer_id=employer.pk)
    return render(
        request, "employers/staff/employer_form.html", {"form": form, "employer": employer}
    )


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_employer(request: AgencyRequest, employer_id: int) -> HttpResponse:
    employer = selectors.employer_get(agency=request.agency, employer_id=employer_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = form_save(
            form,
            lambda: services.employer_contact_add(
                employer=employer,
                actor=request.user,
                language=request.agency.default_language,
                **form.cleaned_data,
            ),
        )
        if contact is not None:
            messages.success(request, _("Contact added: they can sign in as an employer."))
            return _redirect("staff_employer", request, employer_id=employer.pk)
    return render(
        request,
        "employers/staff/employer_detail.html",
        {
            "employer": employer,
            "contacts": selectors.employer_contacts(employer=employer),
            "postings": selectors.job_postings_for_employer(employer=employer),
            "form": form,
        },
    )


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_employer_share(request: AgencyRequest, employer_id: int) -> HttpResponse:
    employer = selectors.employer_get(agency=request.agency, employer_id=employer_id)
    form = NetworkShareForm(request.POST or None)
    if request.method == "POST" and "unshare" in request.POST:
        services.employer_network_unshare(employer=employer, actor=request.user)
        messages.success(request, _("The employer is no longer shared with the network."))
        return _redirect("staff_employer", request, employer_id=employer.pk)
    if request.method == "POST" and form.is_valid():
        shared = form_save(
            form,
            lambda: services.employer_network_share(
                employer=employer, actor=request.user, consent_by=form.cleaned_data["consent_by"]
            ),
        )
        if shared is not None:
            messages.success(request, _("Shared with the other agencies of the network."))
            return _redirect("staff_employer", request, employer_id=employer.pk)
    return render(
        request, "employers/staff/employer_share.html", {"employer": employer, "form": form}
    )


@agency_view(perm=Perm.STAFF_AREA)
def staff_network_employers(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "employers/staff/network_employers.html",
        {"employers": selectors.network_employers_shared(agency=request.agency)},
    )


@agency_view(perm=Perm.STAFF_AREA)
def staff_network_employer(request: AgencyRequest, employer_id: int) -> HttpResponse:
    """Read-only: an employer of another agency of the network that agreed to be shared."""
    employer = selectors.network_employer_get(agency=request.agency, employer_id=employer_id)
    return render(request, "employers/staff/network_employer.html", {"employer": employer})


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_job_create(request: AgencyRequest) -> HttpResponse:
    return _posting_form_page(
        request,
        employer=None,
        posting=None,
        done=lambda p: _redirect("staff_job", request, job_posting_id=p.pk),
    )


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_job_edit(request: AgencyRequest, job_posting_id: int) -> HttpResponse:
    posting = selectors.job_posting_get_for_agency(
        agency=request.agency, job_posting_id=job_posting_id
    )
    return _posting_form_page(
        request,
        employer=posting.employer,
        posting=posting,
        done=lambda p: _redirect("staff_job", request, job_posting_id=p.pk),
    )


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_job(request: AgencyRequest, job_posting_id: int) -> HttpResponse:
    posting = selectors.job_posting_get_for_agency(
        agency=request.agency, job_posting_id=job_posting_id
    )
    return _shortlist_page(
        request,
        posting,
        status_url="employers:staff_interest_status",
        edit_url=_url("staff_job_edit", request, job_posting_id=posting.pk),
    )


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_interest_status(request: AgencyRequest, job_interest_id: int) -> HttpResponse:
    interest = selectors.job_interest_get_for_agency(
        agency=request.agency, job_interest_id=job_interest_id
    )
    if request.method == "POST":
        _set_status(request, interest)
    return _redirect("staff_job", request, job_posting_id=interest.posting_id)


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_event_create(request: AgencyRequest) -> HttpResponse:
    form = HiringEventForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        event = form_save(
            form,
            lambda: services.hiring_event_create(
                session=form.cleaned_data["session"],
                actor=request.user,
                notes_for_employers=form.cleaned_data["notes_for_employers"],
            ),
        )
        if event is not None:
            messages.success(request, _("Hiring event created. Now add the employers."))
            return _redirect("staff_event", request, hiring_event_id=event.pk)
    return render(request, "employers/staff/event_form.html", {"form": form})


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_event(request: AgencyRequest, hiring_event_id: int) -> HttpResponse:
    event = selectors.hiring_event_get(agency=request.agency, hiring_event_id=hiring_event_id)
    session = event.session
    form = EventEmployerForm(
        request.POST or None,
        agency=request.agency,
        initial={
            "slots_from": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "slots_until": timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    if request.method == "POST" and "invite" in request.POST:
        count = services.hiring_event_invite(
            event=event, clients=selectors.clients_to_invite(event=event), actor=request.user
        )
        messages.success(request, _("%(count)d clients invited.") % {"count": count})
        return _redirect("staff_event", request, hiring_event_id=event.pk)
    if request.method == "POST" and form.is_valid():
        if _add_employer(request, event, form):
            messages.success(request, _("Employer added to the event."))
            return _redirect("staff_event", request, hiring_event_id=event.pk)
    return render(
        request,
        "employers/staff/event_detail.html",
        {
            "event": event,
            "session": session,
            "participants": selectors.event_participants(event=event),
            "form": form,
        },
    )


def _add_employer(request: AgencyRequest, event: HiringEvent, form: EventEmployerForm) -> bool:
    data = form.cleaned_data

    def save() -> bool:
        participant = services.hiring_event_add_employer(
            event=event,
            employer=data["employer"],
            actor=request.user,
            table=data["table"],
            breakout_url=data["breakout_url"],
        )
        if data["slots_from"] and data["slots_until"]:
            services.time_slots_generate(
                participant=participant,
                actor=request.user,
                start=data["slots_from"],
                end=data["slots_until"],
                minutes=data["minutes"] or 15,
                capacity=data["capacity"] or 1,
            )
        return True

    def atomic_save() -> bool:
        with transaction.atomic():
            return save()

    return bool(form_save(form, atomic_save))


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_mentoring(request: AgencyRequest) -> HttpResponse:
    if request.method == "POST":
        proposed = services.mentoring_propose(agency=request.agency, actor=request.user)
        messages.success(
            request,
            _("%(count)d pairs proposed. Review and approve them.") % {"count": len(proposed)},
        )
        return _redirect("staff_mentoring", request)
    return render(
        request,
        "employers/staff/mentoring.html",
        {
            "mentors": selectors.mentors_for_agency(agency=request.agency),
            "requests": selectors.mentee_requests_open(agency=request.agency),
            "proposed": selectors.mentoring_matches(
                agency=request.agency, status=MatchStatus.PROPOSED
            ),
            "active": selectors.mentoring_matches(agency=request.agency, status=MatchStatus.ACTIVE),
        },
    )


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_mentor_create(request: AgencyRequest) -> HttpResponse:
    form = MentorForm(request.POST or None, agency=request.agency)
    if request.method == "POST" and form.is_valid():
        mentor = form_save(
            form,
            lambda: services.mentor_create(
                agency=request.agency, actor=request.user, **form.cleaned_data
            ),
        )
        if mentor is not None:
            messages.success(request, _("Mentor added."))
            return _redirect("staff_mentoring", request)
    return render(request, "employers/staff/mentor_form.html", {"form": form})


MATCH_ACTIONS = {
    "approve": (services.mentoring_match_approve, gettext_lazy("Pair approved.")),
    "reject": (services.mentoring_match_reject, gettext_lazy("Pair rejected.")),
    "end": (services.mentoring_match_end, gettext_lazy("Mentoring ended.")),
}


@agency_view(perm=Perm.EMPLOYERS_MANAGE)
def staff_match(request: AgencyRequest, mentoring_match_id: int) -> HttpResponse:
    match = selectors.mentoring_match_get(
        agency=request.agency, mentoring_match_id=mentoring_match_id
    )
    meeting_form = MeetingForm(request.POST if "log_meeting" in request.POST else None)
    feedback_form = StaffFeedbackForm(request.POST if "give_feedback" in request.POST else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in MATCH_ACTIONS:
                act, done = MATCH_ACTIONS[action]
                act(match=match, actor=request.user)
                messages.success(request, str(done))
                return _redirect("staff_mentoring", request)
            if "log_meeting" in request.POST and meeting_form.is_valid():
                if form_save(
                    meeting_form,
                    lambda: services.mentoring_meeting_log(
                        match=match, actor=request.user, **meeting_form.cleaned_data
                    ),
                ):
                    messages.success(request, _("Meeting logged."))
                    return _redirect("staff_match", request, mentoring_match_id=match.pk)
            if "give_feedback" in request.POST and feedback_form.is_valid():
                if form_save(
                    feedback_form,
                    lambda: services.mentoring_feedback_give(
                        match=match, actor=request.user, **feedback_form.cleaned_data
                    ),
                ):
                    messages.success(request, _("Feedback recorded."))
                    return _redirect("staff_match", request, mentoring_match_id=match.pk)
        except services.EmployersError as refusal:
            _refused(request, refusal)
    return render(
        request,
        "employers/staff/match_detail.html",
        {
            "match": match,
            "meetings": selectors.mentoring_meetings(match=match),
            "feedback": match.feedback.all(),
            "hours": selectors.mentoring_hours_for_client(client=match.client),
            "meeting_form": meeting_form,
            "feedback_form": feedback_form,
            "under_way": match.status in (MatchStatus.ACTIVE, MatchStatus.ENDED),
        },
    )
