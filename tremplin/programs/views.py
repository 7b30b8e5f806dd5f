"""Pages of programs and sessions: the public catalogue, a client's registrations, staff tools.

Views parse input, call one service or selector and render. POST-only actions look their
object up first (so another agency's id is a 404 whatever the method) and send a GET back to
the page the action belongs to.
"""

import csv
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tremplin.agencies.policy import Perm, agency_view, has_perm
from tremplin.agencies.requests import AgencyRequest
from tremplin.audit.reads import audited_read
from tremplin.clients.models import Client
from tremplin.clients.selectors import client_get_for_agency, client_get_own, client_of_user
from tremplin.core.forms import form_save
from tremplin.core.pagecache import cache_public_page
from tremplin.core.ratelimit import rate_limited
from tremplin.ops.uploads import recording_media_type
from tremplin.programs import selectors, services
from tremplin.programs.calendars import calendar_response
from tremplin.programs.forms import (
    CatalogueFilterForm,
    ClientSearchForm,
    ModeForm,
    ProgramForm,
    RecordingForm,
    RegisterForm,
    SelfCheckInForm,
    ServiceElementForm,
    SessionForm,
    StaffRegisterForm,
)
from tremplin.programs.models import (
    AttendanceMode,
    AttendanceStatus,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
    Session,
)

SESSIONS_PER_PAGE = 20
REGISTRATIONS_PER_PAGE = 20
STAFF_SESSIONS_PER_PAGE = 50
STAFF_REGISTRATIONS_PER_PAGE = 50
SELF_CHECK_IN_ATTEMPTS = 5


def _url(name: str, request: AgencyRequest, **kwargs: Any) -> str:
    return reverse(f"programs:{name}", kwargs={"agency_slug": request.agency.slug, **kwargs})


def _redirect(name: str, request: AgencyRequest, **kwargs: Any) -> HttpResponseRedirect:
    return redirect(_url(name, request, **kwargs))


def _registration_message(registration: Registration) -> str:
    mode = AttendanceMode(registration.mode).label
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("You have a seat (%(mode)s).") % {"mode": mode}
    return _(
        "No seat is free (%(mode)s): you are number %(position)d on the waitlist. We will tell you if a seat opens."
    ) % {
        "mode": mode,
        "position": registration.waitlist_position,
    }


# ---------------------------------------------------------------------------------------------
# Public catalogue


@agency_view(public=True)
@cache_public_page
def catalogue(request: AgencyRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    sessions = selectors.session_list_upcoming(
        agency=request.agency, **form.filters(time_zone=request.agency.time_zone)
    )
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    client = client_of_user(agency=request.agency, user=request.user)
    if client is not None:
        mine = selectors.registrations_of_client_by_session(
            client=client, session_ids=[s.pk for s in page]
        )
        for session in page:
            session.my_registration = mine.get(session.pk)
    return render(
        request,
        "programs/catalogue.html",
        {
            "form": form,
            "page": page,
            "programs": selectors.program_list_for_agency(
                agency=request.agency, published_only=True
            ),
        },
    )


@agency_view(public=True)
@cache_public_page
def program_detail(request: AgencyRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get_for_agency(
        agency=request.agency, program_id=program_id, published_only=True
    )
    client = client_of_user(agency=request.agency, user=request.user)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "sessions": selectors.session_list_for_program(program=program),
            "problem": selectors.eligibility_problem(program=program, client=client)
            if client
            else None,
        },
    )


@agency_view(public=True)
@cache_public_page
def session_detail(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(
        agency=request.agency, session_id=session_id, published_only=True
    )
    client = client_of_user(agency=request.agency, user=request.user)
    registration = (
        selectors.registration_of_client_for_session(client=client, session=session)
        if client
        else None
    )
    recordings = (
        list(selectors.recording_list_for_client(client=client).filter(session=session))
        if client
        else []
    )
    return render(
        request,
        "programs/session_detail.html",
        {
            "session": session,
            "client": client,
            "registration": registration,
            "form": RegisterForm(session=session),
            "problem": selectors.eligibility_problem(program=session.element.program, client=client)
            if client
            else None,
            "recordings": recordings,
        },
    )


@agency_view(public=True)
def session_ics(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(
        agency=request.agency, session_id=session_id, published_only=True
    )
    return calendar_response(
        request, [session], filename=f"session-{session.pk}.ics", name=str(session.title)
    )


@agency_view(public=True)
def agency_feed(request: AgencyRequest) -> HttpResponse:
    sessions = selectors.session_list_for_feed(agency=request.agency)
    return calendar_response(
        request, sessions, filename=f"{request.agency.slug}.ics", name=str(request.agency.name)
    )


@agency_view(public=True)
def client_feed(request: AgencyRequest, token: str) -> HttpResponse:
    feed = selectors.calendar_feed_get_by_token(agency=request.agency, token=token)
    registrations = selectors.registration_list_for_client(client=feed.client)
    return calendar_response(
        request,
        [r.session for r in registrations],
        registrations=registrations,
        filename="my-sessions.ics",
        name=_("My sessions"),
    )


# ---------------------------------------------------------------------------------------------
# A client's registrations


def _refused(request: AgencyRequest, refusal: services.ProgramsError) -> None:
    messages.error(request, str(refusal.message))


@agency_view(perm=Perm.CLIENT_AREA)
def register(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(
        agency=request.agency, session_id=session_id, published_only=True, with_seats=False
    )
    client = client_get_own(agency=request.agency, user=request.user)
    if request.method != "POST":
        return _redirect("session_detail", request, session_id=session.pk)
    form = ModeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose in person or online."))
        return _redirect("session_detail", request, session_id=session.pk)
    try:
        registration = services.registration_create(
            session=session,
            client=client,
            mode=form.cleaned_data["mode"],
            actor=request.user,
            channel=RegistrationChannel.WEB,
        )
    except services.RegistrationRefused as refusal:
        _refused(request, refusal)
        return _redirect("session_detail", request, session_id=session.pk)
    messages.success(request, _registration_message(registration))
    return _redirect("my_registrations", request)


@agency_view(perm=Perm.CLIENT_AREA)
def my_registrations(request: AgencyRequest) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    feed = services.calendar_feed_for_client(client=client)
    page = Paginator(
        selectors.registration_list_for_client(client=client), REGISTRATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/my_registrations.html",
        {
            "registrations": page,
            "page": page,
            "recordings": selectors.recording_list_for_client(client=client)[:20],
            "feed_url": request.build_absolute_uri(_url("client_feed", request, token=feed.token)),
            "now": timezone.now(),
        },
    )


@agency_view(perm=Perm.CLIENT_AREA)
def feed_reset(request: AgencyRequest) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    if request.method == "POST":
        services.calendar_feed_reset(client=client, actor=request.user)
        messages.success(
            request, _("Your calendar has a new private address; the old one no longer works.")
        )
    return _redirect("my_registrations", request)


def _client_registration_action(
    request: AgencyRequest,
    registration_id: int,
    act: Callable[[Registration, Client], Registration | None],
) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    registration = selectors.registration_get_for_client(
        client=client, registration_id=registration_id
    )
    if request.method == "POST":
        try:
            act(registration, client)
        except services.RegistrationRefused as refusal:
            _refused(request, refusal)
    return _redirect("my_registrations", request)


@agency_view(perm=Perm.CLIENT_AREA)
def cancel(request: AgencyRequest, registration_id: int) -> HttpResponse:
    def act(registration: Registration, client: Client) -> Registration:
        cancelled = services.registration_cancel(registration=registration, actor=request.user)
        messages.success(request, _("Your registration is cancelled."))
        return cancelled

    return _client_registration_action(request, registration_id, act)


@agency_view(perm=Perm.CLIENT_AREA)
def switch(request: AgencyRequest, registration_id: int) -> HttpResponse:
    def act(registration: Registration, client: Client) -> Registration | None:
        form = ModeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose in person or online."))
            return None
        switched = services.registration_switch_mode(
            registration=registration, mode=form.cleaned_data["mode"], actor=request.user
        )
        messages.success(request, _registration_message(switched))
        return switched

    return _client_registration_action(request, registration_id, act)


@agency_view(perm=Perm.CLIENT_AREA)
def join(request: AgencyRequest, registration_id: int) -> HttpResponse:
    """Record online attendance, then send the person to the meeting.

    Only a POST records attendance; a GET (a calendar's or an e-mail's link, or a cross-site
    request) shows the Join button that posts here."""
    client = client_get_own(agency=request.agency, user=request.user)
    registration = selectors.registration_get_for_client(
        client=client, registration_id=registration_id
    )
    if request.method != "POST":
        return render(request, "programs/join_confirm.html", {"registration": registration})
    try:
        services.attendance_record_join(registration=registration, actor=request.user)
    except services.CheckInRefused as refusal:
        return render(
            request,
            "programs/join_refused.html",
            {"registration": registration, "refusal": refusal},
        )
    return HttpResponseRedirect(registration.session.join_url)


@agency_view(perm=Perm.CLIENT_AREA)
def self_check_in(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    client = client_get_own(agency=request.agency, user=request.user)
    form = SelfCheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _too_many_code_guesses(client, session):
            form.add_error("code", _("Too many attempts. Please ask a staff member at the door."))
            return render(
                request, "programs/self_check_in.html", {"session": session, "form": form}
            )
        try:
            services.attendance_self_check_in(
                session=session, client=client, code=form.cleaned_data["code"], actor=request.user
            )
        except services.CheckInRefused as refusal:
            form.add_error("code", str(refusal.message))
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return _redirect("session_detail", request, session_id=session.pk)
    return render(request, "programs/self_check_in.html", {"session": session, "form": form})


def _too_many_code_guesses(client: Client, session: Session) -> bool:
    # A six-digit code must not be guessable by trying: a few tries per person and session.
    return rate_limited(
        bucket="self-check-in",
        key=f"{client.pk}:{session.pk}",
        limit=SELF_CHECK_IN_ATTEMPTS,
        window_seconds=15 * 60,
    )


@agency_view(perm=Perm.CLIENT_AREA)
def recording_detail(request: AgencyRequest, recording_id: int) -> HttpResponse:
    client = client_get_own(agency=request.agency, user=request.user)
    recording = selectors.recording_get_for_client(client=client, recording_id=recording_id)
    if recording.url:
        services.recording_record_view(recording=recording, client=client)
        return HttpResponseRedirect(recording.url)
    return render(request, "programs/recording_detail.html", {"recording": recording})


@agency_view(perm=Perm.CLIENT_AREA)
def recording_file(request: AgencyRequest, recording_id: int) -> HttpResponseBase:
    client = client_get_own(agency=request.agency, user=request.user)
    recording = selectors.recording_get_for_client(client=client, recording_id=recording_id)
    if not recording.file:
        raise Http404
    # Range requests (seeking) re-fetch the file; count a view once per page load only.
    if "HTTP_RANGE" not in request.META or request.META["HTTP_RANGE"].startswith("bytes=0-"):
        services.recording_record_view(recording=recording, client=client)
    # Played inline only as the audio/video type its (checked) extension says; anything else
    # (a file stored before uploads were checked) is a download. nosniff and a sandboxing CSP
    # keep a browser from running it as a page either way.
    media_type = recording_media_type(recording.file.name)
    response = FileResponse(
        recording.file.open("rb"),
        as_attachment=media_type is None,
        content_type=media_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# ---------------------------------------------------------------------------------------------
# Staff: programs and sessions


@agency_view(perm=Perm.SESSIONS_RUN)
def staff_home(request: AgencyRequest) -> HttpResponse:
    now = timezone.now()
    sessions = selectors.session_list_for_staff(
        agency=request.agency, start=now - timedelta(hours=12), end=now + timedelta(days=31)
    )
    page = Paginator(sessions, STAFF_SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/staff/home.html",
        {
            "sessions": page,
            "page": page,
            "programs": selectors.program_list_for_agency(agency=request.agency),
            "can_manage": has_perm(request, Perm.CATALOGUE_MANAGE),
        },
    )


def _form_page(request: AgencyRequest, template: str, form: Form, **context: Any) -> HttpResponse:
    return render(request, template, {"form": form, **context})


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def program_create(request: AgencyRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = form_save(
            form,
            lambda: services.program_create(
                agency=request.agency, actor=request.user, **form.cleaned_data
            ),
        )
        if program is not None:
            messages.success(request, _("Program created."))
            return _redirect("staff_program", request, program_id=program.pk)
    return _form_page(request, "programs/staff/program_form.html", form)


@agency_view(perm=Perm.SESSIONS_RUN)
def staff_program(request: AgencyRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get_for_agency(agency=request.agency, program_id=program_id)
    return render(
        request,
        "programs/staff/program_detail.html",
        {
            "program": program,
            "sessions": selectors.session_list_for_program(program=program, upcoming_only=False),
            "can_manage": has_perm(request, Perm.CATALOGUE_MANAGE),
        },
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def program_edit(request: AgencyRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get_for_agency(agency=request.agency, program_id=program_id)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        saved = form_save(
            form,
            lambda: services.program_update(
                program=program, actor=request.user, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Program saved."))
            return _redirect("staff_program", request, program_id=program.pk)
    return _form_page(request, "programs/staff/program_form.html", form, program=program)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def element_create(request: AgencyRequest, program_id: int) -> HttpResponse:
    program = selectors.program_get_for_agency(agency=request.agency, program_id=program_id)
    form = ServiceElementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.service_element_create(program=program, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Service element added."))
        return _redirect("staff_program", request, program_id=program.pk)
    return _form_page(request, "programs/staff/element_form.html", form, program=program)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def element_edit(request: AgencyRequest, service_element_id: int) -> HttpResponse:
    element = selectors.service_element_get_for_agency(
        agency=request.agency, service_element_id=service_element_id
    )
    form = ServiceElementForm(request.POST or None, instance=element)
    if request.method == "POST" and form.is_valid():
        services.service_element_update(element=element, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Service element saved."))
        return _redirect("staff_program", request, program_id=element.program_id)
    return _form_page(
        request, "programs/staff/element_form.html", form, program=element.program, element=element
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def templates(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "programs/staff/templates.html",
        {
            "templates": selectors.program_templates_for_agency(agency=request.agency),
        },
    )


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def adopt(request: AgencyRequest, program_id: int) -> HttpResponse:
    template = selectors.program_template_get(agency=request.agency, program_id=program_id)
    if request.method != "POST":
        return _redirect("templates", request)
    program = services.program_adopt(template=template, agency=request.agency, actor=request.user)
    messages.success(request, _("Program adopted. Review it, plan sessions, then publish it."))
    return _redirect("staff_program", request, program_id=program.pk)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def session_create(request: AgencyRequest) -> HttpResponse:
    form = SessionForm(
        request.POST or None,
        agency=request.agency,
        initial={
            "language": request.agency.default_language,
            "element": request.GET.get("element", "")[:20],
        },
    )
    if request.method == "POST" and form.is_valid():
        created = form_save(
            form,
            lambda: services.session_create_series(
                agency=request.agency,
                actor=request.user,
                details=form.details(),
                occurrences=form.cleaned_data["occurrences"],
                every_days=form.cleaned_data["every_days"],
            ),
        )
        if created:
            messages.success(
                request,
                ngettext("%(count)d session created.", "%(count)d sessions created.", len(created))
                % {"count": len(created)},
            )
            return _redirect("staff_session", request, session_id=created[0].pk)
    return _form_page(request, "programs/staff/session_form.html", form)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def session_edit(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    form = SessionForm(request.POST or None, agency=request.agency, session=session)
    if request.method == "POST" and form.is_valid():
        saved = form_save(
            form,
            lambda: services.session_update(
                session=session, actor=request.user, details=form.details()
            ),
        )
        if saved is not None:
            messages.success(request, _("Session saved."))
            return _redirect("staff_session", request, session_id=session.pk)
    return _form_page(request, "programs/staff/session_form.html", form, session=session)


@agency_view(perm=Perm.CATALOGUE_MANAGE)
def session_cancel(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    if request.method == "POST":
        services.session_cancel(session=session, actor=request.user)
        messages.success(
            request,
            _("Session cancelled. Registered people keep their registration so they can be told."),
        )
    return _redirect("staff_session", request, session_id=session.pk)


@agency_view(perm=Perm.SESSIONS_RUN)
def session_complete(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    if request.method == "POST":
        try:
            services.session_complete(session=session, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Session completed: everyone not checked in is marked as a no-show.")
            )
    return _redirect("attendance", request, session_id=session.pk)


@agency_view(perm=Perm.SESSIONS_RUN)
@audited_read("session.registrations_view")
def staff_session(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    search = ClientSearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        found = list(
            selectors.client_search_for_registration(
                agency=request.agency, query=search.cleaned_data["q"]
            )
        )
    page = Paginator(
        selectors.registration_list_for_session(session=session), STAFF_REGISTRATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/staff/session_detail.html",
        {
            "session": session,
            "registrations": page,
            "page": page,
            "recordings": selectors.recording_list_for_session(session=session),
            "search": search,
            "found": found,
            "register_form": StaffRegisterForm(session=session),
            "can_manage": has_perm(request, Perm.CATALOGUE_MANAGE),
        },
    )


@agency_view(perm=Perm.SESSIONS_RUN)
def staff_register(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    if request.method != "POST":
        return _redirect("staff_session", request, session_id=session.pk)
    form = StaffRegisterForm(request.POST, session=session)
    if not form.is_valid():
        messages.error(request, _("Choose a client and how they will attend."))
        return _redirect("staff_session", request, session_id=session.pk)
    client = client_get_for_agency(agency=request.agency, client_id=form.cleaned_data["client_id"])
    try:
        registration = services.registration_create(
            session=session,
            client=client,
            mode=form.cleaned_data["mode"],
            actor=request.user,
            channel=RegistrationChannel.STAFF,
            override_reason=form.cleaned_data["override_reason"],
        )
    except services.RegistrationRefused as refusal:
        _refused(request, refusal)
    else:
        status = (
            _("confirmed")
            if registration.status == RegistrationStatus.CONFIRMED
            else _("waitlisted, number %(position)d") % {"position": registration.waitlist_position}
        )
        messages.success(
            request, _("%(name)s is registered: %(status)s.") % {"name": client, "status": status}
        )
    return _redirect("staff_session", request, session_id=session.pk)


@agency_view(perm=Perm.SESSIONS_RUN)
def staff_cancel(request: AgencyRequest, registration_id: int) -> HttpResponse:
    registration = selectors.registration_get_for_agency(
        agency=request.agency, registration_id=registration_id
    )
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration, actor=request.user)
        except services.RegistrationRefused as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("Registration cancelled."))
    return _redirect("staff_session", request, session_id=registration.session_id)


# ---------------------------------------------------------------------------------------------
# Staff: attendance


def _door_registrations(session: Session) -> list[Registration]:
    return [
        r
        for r in selectors.registration_list_for_session(session=session)
        if r.status == RegistrationStatus.CONFIRMED
    ]


@agency_view(perm=Perm.SESSIONS_RUN)
@audited_read("attendance.view_door")
def door(request: AgencyRequest, session_id: int) -> HttpResponse:
    """The check-in list for the door: one tap (a small POST form) per person. Online
    registrants who come in are checked in from the second list and counted in the room."""
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    confirmed = sorted(
        _door_registrations(session),
        key=lambda r: (r.client.last_name.casefold(), r.client.first_name.casefold()),
    )
    in_room = [r for r in confirmed if r.mode == AttendanceMode.IN_PERSON]
    online = [r for r in confirmed if r.mode == AttendanceMode.ONLINE]
    came_in = [r for r in online if r.attended_mode == AttendanceMode.IN_PERSON]
    return render(
        request,
        "programs/staff/door.html",
        {
            "session": session,
            "in_room": in_room,
            "online": online,
            "expected": len(in_room) + len(came_in),
            "checked_in": sum(1 for r in confirmed if r.attended_mode == AttendanceMode.IN_PERSON),
            "is_open": session.check_in_is_open,
        },
    )


ATTENDANCE_ACTIONS = {
    "in": services.attendance_check_in,
    "undo": services.attendance_undo,
    "no_show": services.attendance_mark_no_show,
}


@agency_view(perm=Perm.SESSIONS_RUN)
def check_in(request: AgencyRequest, registration_id: int) -> HttpResponse:
    registration = selectors.registration_get_for_agency(
        agency=request.agency, registration_id=registration_id
    )
    back = "attendance" if request.POST.get("back") == "attendance" else "door"
    action = ATTENDANCE_ACTIONS.get(request.POST.get("action", ""))
    if request.method == "POST" and action is not None:
        try:
            action(registration=registration, actor=request.user)
        except services.CheckInRefused as refusal:
            _refused(request, refusal)
    return redirect(
        _url(back, request, session_id=registration.session_id) + f"#r{registration.pk}"
    )


@agency_view(perm=Perm.SESSIONS_RUN)
@audited_read("attendance.view_sheet")
def attendance(request: AgencyRequest, session_id: int) -> HttpResponse:
    """The sheet, by the mode people actually attended in (an online registrant who came to
    the room is in the room's list, marked as a switch); not yet attended: by registered mode."""
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    confirmed = _door_registrations(session)
    modes = list(session.modes)
    for r in confirmed:
        if r.attended_mode and r.attended_mode not in modes:
            modes.append(r.attended_mode)
    by_mode = []
    for mode in modes:
        rows = [r for r in confirmed if (r.attended_mode or r.mode) == mode]
        by_mode.append(
            {
                "mode": AttendanceMode(mode),
                "rows": rows,
                "attended": sum(1 for r in rows if r.attendance == AttendanceStatus.ATTENDED),
                "no_shows": sum(1 for r in rows if r.attendance == AttendanceStatus.NO_SHOW),
            }
        )
    return render(
        request,
        "programs/staff/attendance.html",
        {"session": session, "by_mode": by_mode, "has_ended": session.has_ended},
    )


def _csv_cell(value: object) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: defuse them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@agency_view(perm=Perm.SESSIONS_RUN)
@audited_read("attendance.export")
def attendance_csv(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendance-session-{session.pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the accents as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Last name"),
            _("First name"),
            _("Registered for"),
            _("Status"),
            _("Waitlist position"),
            _("Attendance"),
            _("Attended"),
            _("Checked in"),
            _("Check-in"),
            _("Registered through"),
        ]
    )
    for r in selectors.registration_list_for_session(session=session, include_cancelled=True):
        writer.writerow(
            [
                _csv_cell(value)
                for value in (
                    r.client.last_name,
                    r.client.first_name,
                    r.get_mode_display(),
                    r.get_status_display(),
                    r.waitlist_position or "",
                    r.get_attendance_display(),
                    r.get_attended_mode_display(),
                    timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M")
                    if r.checked_in_at
                    else "",
                    r.get_check_in_method_display(),
                    r.get_channel_display(),
                )
            ]
        )
    return response


# ---------------------------------------------------------------------------------------------
# Staff: recordings


@agency_view(perm=Perm.SESSIONS_RUN)
def recording_create(request: AgencyRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_agency(agency=request.agency, session_id=session_id)
    form = RecordingForm(
        request.POST or None, request.FILES or None, initial={"title": session.title}
    )
    if request.method == "POST" and form.is_valid():
        recording = form_save(
            form,
            lambda: services.recording_create(
                session=session,
                actor=request.user,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"] or "",
                file=form.cleaned_data["file"] or None,
            ),
        )
        if recording is not None:
            messages.success(
                request, _("Recording added. Clients registered in this program can watch it.")
            )
            return _redirect("staff_session", request, session_id=session.pk)
    return _form_page(request, "programs/staff/recording_form.html", form, session=session)


@agency_view(perm=Perm.SESSIONS_RUN)
def recording_delete(request: AgencyRequest, recording_id: int) -> HttpResponse:
    recording = selectors.recording_get_for_agency(agency=request.agency, recording_id=recording_id)
    if request.method == "POST":
        services.recording_delete(recording=recording, actor=request.user)
        messages.success(request, _("Recording removed."))
    return _redirect("staff_session", request, session_id=recording.session_id)
