"""iCalendar (.ics) files: one session, an agency's public sessions, a client's own feed."""

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tremplin.programs.models import (
    AttendanceMode,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
)


def _session_url(request: HttpRequest, session: Session) -> str:
    return request.build_absolute_uri(
        reverse(
            "programs:session_detail",
            kwargs={"agency_slug": session.agency.slug, "session_id": session.pk},
        )
    )


def _where(session: Session, registration: Registration | None) -> str:
    """Where to go: the room, online, or both (for someone not registered in one mode)."""
    room = ""
    if session.location is not None:
        room = ", ".join(
            part
            for part in (
                str(session.location.name),
                session.location.address,
                session.location.city,
            )
            if part
        )
    mode = registration.mode if registration is not None else None
    if mode == AttendanceMode.ONLINE or not session.offers_in_person:
        return _("Online")
    if mode == AttendanceMode.IN_PERSON or not session.offers_online:
        return room
    return _("%(room)s, or online") % {"room": room}


def session_event(
    request: HttpRequest, session: Session, registration: Registration | None = None
) -> Event:
    event = Event()
    host = request.get_host().split(":")[0]
    event.add("uid", f"session-{session.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", str(session.title))
    event.add("location", _where(session, registration))
    url = _session_url(request, session)
    event.add("url", url)
    lines = [str(session.element.program.title)]
    if registration is not None and registration.mode == AttendanceMode.ONLINE:
        # The platform's Join link, so that joining records attendance.
        join = reverse(
            "programs:join",
            kwargs={"agency_slug": session.agency.slug, "registration_id": registration.pk},
        )
        lines.append(_("Join online: %(url)s") % {"url": request.build_absolute_uri(join)})
    if registration is not None and registration.status == RegistrationStatus.WAITLISTED:
        lines.append(
            _("You are on the waitlist (number %(position)d).")
            % {"position": registration.waitlist_position}
        )
    lines.append(url)
    event.add("description", "\n".join(lines))
    cancelled = session.status == SessionStatus.CANCELLED
    tentative = registration is not None and registration.status == RegistrationStatus.WAITLISTED
    event.add("status", "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED")
    return event


def calendar_response(
    request: HttpRequest,
    sessions: Iterable[Session],
    *,
    filename: str,
    name: str,
    registrations: Iterable[Registration] = (),
) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", "-//Tremplin//Programs//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    by_session = {registration.session_id: registration for registration in registrations}
    for session in sessions:
        calendar.add_component(session_event(request, session, by_session.get(session.pk)))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
