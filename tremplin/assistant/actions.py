"""What the assistant does for each action intent, and how it reads the answers to its questions.

Every action goes through the selectors and services the web pages use, so a registration
made here obeys the same capacity, waitlist and eligibility rules. Actions that touch a
client's data need an identified client: signed in on the web, or an SMS number that matches
exactly one client's phone (see `views.sms_webhook`).

Recommendations follow a small rule set (`recommend_programs`):
1. only published programs the client is eligible for (the programs app's eligibility rules:
   arrival status, immigration category, place of residence);
2. programs made for pre-arrival clients come first for a pre-arrival client;
3. then programs with upcoming sessions the client can attend in the delivery mode their
   latest digital assessment recommends (online, in person; hybrid matches both);
4. at most three, each with its next session in that mode when there is one.
"""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.assistant.dialogue import Choose, Confirm, Step, words_of
from tremplin.assistant.nlu.entities import extract_mode
from tremplin.assistant.nlu.reading import has_negation
from tremplin.assistant.opening import CLOSED_THAT_DAY, closed_that_day
from tremplin.assistant.turn import Turn, date_range_of, date_text
from tremplin.clients.models import ArrivalStatus, Client, ContactChannel
from tremplin.clients.selectors import client_latest_assessment
from tremplin.clients.services import client_update_contact_preferences
from tremplin.core.choices import DeliveryMode
from tremplin.employers.models import JobPosting, WorkMode
from tremplin.employers.selectors import (
    hiring_events_upcoming,
    job_postings_open,
    postings_matched_for_client,
)
from tremplin.learning.selectors import enrolment_list_for_user
from tremplin.programs.models import AttendanceMode, Registration, RegistrationStatus, Session
from tremplin.programs.selectors import (
    client_is_eligible,
    program_list_for_agency,
    registration_get_for_client,
    registration_list_for_client,
    session_get_for_agency,
    session_list_upcoming,
)
from tremplin.programs.services import RegistrationRefused, registration_cancel, registration_create

PAGE_SIZE = 5
MAX_CHOICES = PAGE_SIZE

# How a choice between intents is shown (task intents only: small talk is never offered).
ACTION_LABELS = {
    "find_next_sessions": _("Find the next sessions"),
    "register_for_session": _("Register for a session"),
    "cancel_registration": _("Cancel a registration"),
    "my_registrations": _("See my registrations"),
    "recommend_programs": _("Suggest programs for me"),
    "course_progress": _("See my progress in online courses"),
    "change_contact_preferences": _("Change how we contact you"),
    "jobs_in_my_field": _("See job postings in my field"),
    "talk_to_human": _("Talk to a person"),
}
UNSUPPORTED_ACTION = _("I cannot do that here yet. Type “person” to talk to a member of our team.")
SIGN_IN_WEB = _(
    "To do that I need to know who you are: please sign in (link at the top of the page), then ask me again."
)
SIGN_IN_REMOTE = _(
    "To do that I need to know who you are, and I could not match this phone number to one client file. "
    "Sign in on our website, or type “person” to talk to our team."
)
YES_NO = _("Reply 1 (yes) or 2 (no).")
NUMBER_PROMPT = _("Type the number of your choice.")
MORE_PROMPT = _("Type “more” to see more sessions.")

# Entity topics (tremplin.assistant.nlu.entities.TOPICS) as session filters: a service type
# when the topic is one, else words searched in session titles and topic keywords.
TOPIC_FILTERS: dict[str, dict[str, str]] = {
    "intake": {"service_type": "intake"},
    "job_search": {"service_type": "job_search"},
    "mentoring": {"service_type": "mentoring"},
    "networking": {"service_type": "networking"},
    "hiring_event": {"service_type": "hiring_event"},
    "resume": {"topic": "resume"},
    "interview": {"topic": "interview"},
    "digital_skills": {"topic": "digital"},
    "workplace_communication": {"topic": "workplace"},
}

CHANNEL_WORDS = {
    "email": (
        "email",
        "emails",
        "courriels",
        "e-mail",
        "e mail",
        "courriel",
        "mail",
        "correo",
        "البريد",
        "ایمیل",
        "邮件",
        "이메일",
    ),
    "sms": (
        "sms",
        "text",
        "texts",
        "texting",
        "texto",
        "texte",
        "textos",
        "رسالة نصية",
        "پیامک",
        "短信",
        "문자",
    ),
    "whatsapp": ("whatsapp", "whats app", "واتساب", "واتس اپ"),
    "phone": (
        "phone",
        "call",
        "telephone",
        "appel",
        "appeler",
        "appelle",
        "llamada",
        "teléfono",
        "هاتف",
        "تلفن",
        "电话",
        "전화",
    ),
}
CHANNEL_ORDER = ["email", "sms", "whatsapp", "phone"]
PROFILE_WORDS = ("number", "numero", "address", "adresse", "language", "langue")
# The start of "cancel" in the reply languages: a negation before it ("I don't want to
# cancel") means the client does not want to cancel.
CANCEL_STEMS = (
    "cancel",
    "annul",
    "cancela",
    "скас",
    "الغ",
    "ألغ",
    "إلغ",
    "لغو",
    "منسوخ",
    "取消",
    "취소",
    "huy",
    "hủy",
    "kansel",
    "रद्द",
    "ਰੱਦ",
    "jooji",
    "ሰርዝ",
)


# ---- reading answers ------------------------------------------------------------------------


def channels_in(text: str) -> list[str]:
    folded = " " + " ".join(words_of(text)) + " "
    found = [
        channel
        for channel in CHANNEL_ORDER
        if any(f" {word} " in folded for word in CHANNEL_WORDS[channel])
    ]
    numbers = [int(word) for word in words_of(text) if word.isdigit() and len(word) == 1]
    found += [CHANNEL_ORDER[n - 1] for n in numbers if 1 <= n <= len(CHANNEL_ORDER)]
    return list(dict.fromkeys(found))


def negates_cancelling(text: str) -> bool:
    """ "I don't want to cancel", "no quiero cancelar": a negation before a cancel word."""
    words = words_of(text)
    for index, word in enumerate(words):
        if any(word.startswith(stem) for stem in CANCEL_STEMS):
            before = " ".join(words[max(0, index - 4) : index])
            return bool(before) and has_negation(before)
    return False


def numbered(lines: list[str], start: int = 1) -> str:
    return "\n".join(f"{index}. {line}" for index, line in enumerate(lines, start=start))


# ---- describing sessions ----------------------------------------------------------------------


def _when(turn: Turn, moment: datetime) -> str:
    return date_text(timezone.localtime(moment, ZoneInfo(turn.agency.time_zone)))


MODE_LABELS = {"in_person": _("in person"), "online": _("online")}


def _mode_label(mode: str) -> str:
    return str(MODE_LABELS.get(mode) or AttendanceMode(mode).label).lower()


def _seats(session: Session, mode: str) -> str:
    left = session.seats_left(mode) if hasattr(session, f"confirmed_{mode}") else None
    if left is None:
        return _mode_label(mode)
    if left == 0:
        return str(_("%(mode)s: full, waitlist") % {"mode": _mode_label(mode)})
    return str(_("%(mode)s: %(seats)d seats left") % {"mode": _mode_label(mode), "seats": left})


def describe_session(turn: Turn, session: Session, mode: str | None = None) -> str:
    """Title — when (seats left per mode · place); with a chosen mode, only that mode."""
    modes = (mode,) if mode else session.modes
    labels = ", ".join(_seats(session, choice) for choice in modes)
    where = (
        f" · {session.location.name}"
        if session.location is not None and AttendanceMode.IN_PERSON in modes
        else ""
    )
    # An online session on a Saturday is real; the note keeps it from contradicting the hours.
    if closed_that_day(turn.opening_hours, session.starts_at, ZoneInfo(turn.agency.time_zone)):
        where += f" · {CLOSED_THAT_DAY}"
    return f"{session.title} — {_when(turn, session.starts_at)} ({labels}{where})"


def describe_registration(turn: Turn, registration: Registration) -> str:
    line = f"{registration.session.title} — {_when(turn, registration.session.starts_at)}, "
    line += _mode_label(registration.mode)
    if registration.status == RegistrationStatus.WAITLISTED:
        return (
            line
            + " · "
            + str(_("waitlist, place %(position)d") % {"position": registration.waitlist_position})
        )
    return line + " · " + str(_("confirmed"))


# ---- identity ---------------------------------------------------------------------------------


def _identified(turn: Turn) -> Client | None:
    """The client the conversation is with; None (after saying how to be identified) if unknown."""
    if turn.client is None:
        turn.say(SIGN_IN_WEB if turn.is_web else SIGN_IN_REMOTE)
    return turn.client


def _actor(client: Client) -> User | None:
    """The client's own login, if any: the person acting through the assistant."""
    return client.user


# ---- simple replies ---------------------------------------------------------------------------


def greet(turn: Turn, entities: dict[str, Any]) -> None:
    turn.say(
        _("Hello! I am the virtual assistant of %(agency)s, and I understand many languages.")
        % {"agency": turn.agency.name},
        _(
            "I can answer your questions, find upcoming sessions, register you, show your registrations "
            "and course progress, suggest programs, or put you in touch with a person. How can I help?"
        ),
    )


def goodbye(turn: Turn, entities: dict[str, Any]) -> None:
    turn.say(_("Goodbye, and good luck! Write to me any time."))


def thanks(turn: Turn, entities: dict[str, Any]) -> None:
    turn.say(_("You are welcome! Is there anything else I can do for you?"))


def talk_to_human(turn: Turn, entities: dict[str, Any]) -> None:
    turn.hand_over("requested")


# ---- sessions -----------------------------------------------------------------------------------


def _booked_session_ids(turn: Turn) -> set[int]:
    """Sessions the client already holds (confirmed or waitlisted): never offered again."""
    if turn.client is None:
        return set()
    return {r.session_id for r in registration_list_for_client(client=turn.client)[:200]}


def _upcoming(turn: Turn, entities: dict[str, Any]) -> QuerySet[Session]:
    start, end = date_range_of(entities)
    topic_filter = TOPIC_FILTERS.get(entities.get("topic", ""), {})
    mode = entities.get("mode")
    sessions = session_list_upcoming(
        agency=turn.agency,
        mode=mode if mode in ("in_person", "online", "hybrid") else None,
        start=start,
        end=end,
        **topic_filter,
    )
    if booked := _booked_session_ids(turn):
        sessions = sessions.exclude(pk__in=booked)
    if entities.get("topic") == "hiring_event":
        # A hiring event is the employers app's record: a session with participating employers.
        events = hiring_events_upcoming(agency=turn.agency)
        sessions = sessions.filter(pk__in=events.values("session_id"))
    return sessions


def _employers_at(turn: Turn, sessions: list[Session]) -> dict[int, str]:
    """{session id: "Employers: A, B"} for the sessions that are hiring events."""
    events = hiring_events_upcoming(agency=turn.agency).filter(
        session_id__in=[session.pk for session in sessions]
    )
    return {
        event.session_id: str(
            _("Employers: %(employers)s")
            % {"employers": ", ".join(p.employer.name for p in event.participants.all())}
        )
        for event in events
        if event.participants.all()
    }


def _page(turn: Turn, entities: dict[str, Any], offset: int) -> tuple[list[Session], bool]:
    found = list(_upcoming(turn, entities)[offset : offset + PAGE_SIZE + 1])
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


def _offer_sessions(
    turn: Turn,
    sessions: list[Session],
    *,
    intro: object,
    entities: dict[str, Any],
    offset: int = 0,
    more: bool = False,
) -> None:
    employers = _employers_at(turn, sessions) if entities.get("topic") == "hiring_event" else {}
    lines = [
        describe_session(turn, session)
        + (f"\n   {employers[session.pk]}" if session.pk in employers else "")
        for session in sessions
    ]
    turn.ask(
        {
            "step": "choose_session",
            "sessions": [session.pk for session in sessions],
            "entities": entities,
            "offset": offset,
            "more": more,
        },
        intro,
        numbered(lines),
        _("To register, type the number of a session.")
        if turn.client is not None or turn.is_web
        else _(
            "To register, type the number of a session (your phone number must be in your client file)."
        ),
        MORE_PROMPT if more else "",
    )


def _relaxed(entities: dict[str, Any]) -> list[tuple[dict[str, Any], object]]:
    """What to search when nothing matches: drop the date first, then the subject; keep the mode."""
    tries: list[tuple[dict[str, Any], object]] = []
    if "date_range" in entities:
        kept = {key: value for key, value in entities.items() if key != "date_range"}
        tries.append(
            (
                kept,
                _("I found no session on that date. Here are the next ones that match the rest:"),
            )
        )
    if "topic" in entities and entities.get("mode"):
        tries.append(
            (
                {"mode": entities["mode"]},
                _("I found no session on that subject. Here are the next %(mode)s sessions:")
                % {"mode": _mode_label(entities["mode"])}
                if entities["mode"] in AttendanceMode.values
                else _("I found no session matching that. Here are the next sessions:"),
            )
        )
    tries.append(({}, _("I found no upcoming session matching that. Here are the next sessions:")))
    return tries


def _hiring_events(turn: Turn, entities: dict[str, Any]) -> None:
    """ "Any hiring events?": the upcoming hiring-event records and their employers; when
    none matches the date, the next ones; never other sessions in their place."""
    for kept, intro in (
        (entities, _("Here are the next hiring events:")),
        (
            {key: value for key, value in entities.items() if key != "date_range"},
            _("I found no hiring event on that date. Here are the next ones:"),
        ),
    ):
        sessions, more = _page(turn, kept, 0)
        if sessions:
            _offer_sessions(turn, sessions, intro=intro, entities=kept, more=more)
            return
        if "date_range" not in entities:
            break
    turn.say(_("No hiring event is planned right now. Please check again soon."))


def hiring_events_follow_up(turn: Turn) -> None:
    """After the hiring-events FAQ ("any hiring events?"): the upcoming ones from the records."""
    _hiring_events(turn, {"topic": "hiring_event"})


def find_next_sessions(turn: Turn, entities: dict[str, Any]) -> None:
    if entities.get("topic") == "hiring_event":
        _hiring_events(turn, entities)
        return
    sessions, more = _page(turn, entities, 0)
    if sessions:
        _offer_sessions(
            turn, sessions, intro=_("Here are the next sessions:"), entities=entities, more=more
        )
        return
    if entities:
        for kept, intro in _relaxed(entities):
            sessions, more = _page(turn, kept, 0)
            if sessions:
                _offer_sessions(turn, sessions, intro=intro, entities=kept, more=more)
                return
    turn.say(_("There are no upcoming sessions right now. Please check again soon."))


def register_for_session(turn: Turn, entities: dict[str, Any]) -> None:
    if _identified(turn) is None:
        return
    sessions, more = _page(turn, entities, 0)
    if len(sessions) == 1:
        _choose_mode(turn, sessions[0], entities.get("mode"))
    elif sessions:
        _offer_sessions(
            turn,
            sessions,
            intro=_("Which session would you like to register for?"),
            entities=entities,
            more=more,
        )
    else:
        find_next_sessions(turn, entities)


def _choose_mode(turn: Turn, session: Session, mode: str | None) -> None:
    if mode in session.modes:
        _confirm_registration(turn, session, mode)
    elif len(session.modes) == 1:
        _confirm_registration(turn, session, session.modes[0])
    else:
        # A full mode is shown with the other mode's free seats first.
        modes = sorted(session.modes, key=lambda choice: session.seats_left(choice) == 0)
        turn.ask(
            {"step": "choose_mode", "session": session.pk, "modes": list(modes)},
            _("Would you like to attend %(session)s in person or online?")
            % {"session": session.title},
            numbered([_seats(session, choice) for choice in modes]),
            NUMBER_PROMPT,
        )


def _registration_question(turn: Turn, session: Session, mode: str) -> list[object]:
    lines: list[object] = []
    if session.seats_left(mode) == 0:
        lines.append(
            _("%(mode)s is full: I would put you on the waitlist.") % {"mode": _mode_label(mode)}
        )
        free = [other for other in session.modes if other != mode and session.seats_left(other)]
        lines += [
            _("%(mode)s still has %(seats)d free seats: type “%(mode)s” to choose it.")
            % {"mode": _mode_label(other), "seats": session.seats_left(other)}
            for other in free
        ]
    lines += [
        _("Shall I register you for %(session)s?")
        % {"session": describe_session(turn, session, mode)},
        YES_NO,
    ]
    return lines


def _confirm_registration(turn: Turn, session: Session, mode: str) -> None:
    turn.ask(
        {"step": "confirm_register", "session": session.pk, "mode": mode},
        *_registration_question(turn, session, mode),
    )


def _session(turn: Turn, session_id: int) -> Session | None:
    try:
        return session_get_for_agency(
            agency=turn.agency, session_id=session_id, published_only=True
        )
    except Http404:
        turn.say(_("That session is no longer available."))
        return None


def _session_chosen(turn: Turn, pending: dict[str, Any], choice: int) -> None:
    if _identified(turn) is None:
        return
    session = _session(turn, pending["sessions"][choice - 1])
    if session is not None:
        _choose_mode(turn, session, (pending.get("entities") or {}).get("mode"))


def _more_sessions(turn: Turn, pending: dict[str, Any]) -> None:
    entities = pending.get("entities") or {}
    offset = int(pending.get("offset", 0)) + len(pending["sessions"])
    sessions, more = _page(turn, entities, offset)
    if not sessions:
        turn.say(_("There are no more sessions."))
        return
    _offer_sessions(
        turn,
        sessions,
        intro=_("More sessions:"),
        entities=entities,
        offset=offset,
        more=more,
    )


def _mode_by_text(turn: Turn, pending: dict[str, Any]) -> int | None:
    mode = extract_mode(turn.text)
    modes = pending.get("modes", [])
    return modes.index(mode) + 1 if mode in modes else None


def _mode_chosen(turn: Turn, pending: dict[str, Any], choice: int) -> None:
    session = _session(turn, pending["session"])
    if session is not None:
        _confirm_registration(turn, session, pending["modes"][choice - 1])


def _register_question(turn: Turn, pending: dict[str, Any]) -> list[object]:
    session = _session(turn, pending["session"])
    return _registration_question(turn, session, pending["mode"]) if session else []


def _register(turn: Turn, pending: dict[str, Any]) -> None:
    client = _identified(turn)
    session = _session(turn, pending["session"]) if client is not None else None
    if client is None or session is None:
        return
    try:
        registration = registration_create(
            session=session,
            client=client,
            mode=pending["mode"],
            actor=_actor(client),
            channel="assistant",
        )
    except RegistrationRefused as refusal:
        turn.say(_("I could not register you: %(reason)s") % {"reason": refusal.message})
        return
    if registration.status == RegistrationStatus.WAITLISTED:
        turn.say(
            _(
                "That session is full, so you are on the waitlist, in place %(position)d. "
                "You will get a seat automatically if one frees up."
            )
            % {"position": registration.waitlist_position}
        )
    else:
        turn.say(
            _("Done! You are registered for %(session)s.")
            % {"session": describe_session(turn, session, registration.mode)}
        )


def _register_mode_named(turn: Turn, pending: dict[str, Any]) -> bool:
    """ "online" (or "in person") typed at the question: ask again for that mode."""
    mode = extract_mode(turn.text)
    if mode is None or mode == pending["mode"] or len(words_of(turn.text)) > 4:
        return False
    session = _session(turn, pending["session"])
    if session is not None and mode in session.modes:
        _confirm_registration(turn, session, mode)
        return True
    return False


def _register_other(turn: Turn, pending: dict[str, Any]) -> None:
    """ "Another one": the registration is not made; the other mode or the next sessions."""
    session = _session(turn, pending["session"])
    if session is not None and len(session.modes) > 1:
        other = next(mode for mode in session.modes if mode != pending["mode"])
        _confirm_registration(turn, session, other)
        return
    turn.say(_("All right, I have not registered you."))
    find_next_sessions(turn, {})


# ---- registrations ----------------------------------------------------------------------------


def _upcoming_registrations(client: Client) -> list[Registration]:
    now = timezone.now()
    return [
        r for r in registration_list_for_client(client=client)[:20] if r.session.starts_at > now
    ]


def my_registrations(turn: Turn, entities: dict[str, Any]) -> None:
    client = _identified(turn)
    if client is None:
        return
    registrations = _upcoming_registrations(client)
    if not registrations:
        turn.say(_("You have no upcoming registrations. Ask me for the next sessions!"))
        return
    turn.say(
        _("Your upcoming registrations:"),
        numbered([describe_registration(turn, registration) for registration in registrations]),
    )


def cancel_registration(turn: Turn, entities: dict[str, Any]) -> None:
    if negates_cancelling(turn.request_text):
        my_registrations(turn, entities)  # "I don't want to cancel, just show me…"
        return
    client = _identified(turn)
    if client is None:
        return
    registrations = _upcoming_registrations(client)[:MAX_CHOICES]
    if not registrations:
        turn.say(_("You have no upcoming registrations to cancel."))
    elif len(registrations) == 1:
        _confirm_cancel(turn, registrations[0])
    else:
        turn.ask(
            {"step": "choose_registration", "registrations": [r.pk for r in registrations]},
            _("Which registration would you like to cancel?"),
            numbered([describe_registration(turn, registration) for registration in registrations]),
            NUMBER_PROMPT,
        )


def _cancel_question(turn: Turn, registration: Registration) -> list[object]:
    return [
        _("Shall I cancel your registration for %(registration)s?")
        % {"registration": describe_registration(turn, registration)},
        YES_NO,
    ]


def _confirm_cancel(turn: Turn, registration: Registration) -> None:
    turn.ask(
        {"step": "confirm_cancel", "registration": registration.pk},
        *_cancel_question(turn, registration),
    )


def _registration(turn: Turn, registration_id: int) -> Registration | None:
    """The identified client's registration (None, after saying why, if unknown or gone)."""
    client = _identified(turn)
    if client is None:
        return None
    try:
        return registration_get_for_client(client=client, registration_id=registration_id)
    except Http404:
        turn.say(_("That registration no longer exists."))
        return None


def _registration_chosen(turn: Turn, pending: dict[str, Any], choice: int) -> None:
    registration = _registration(turn, pending["registrations"][choice - 1])
    if registration is not None:
        _confirm_cancel(turn, registration)


def _cancel_again(turn: Turn, pending: dict[str, Any]) -> list[object]:
    registration = _registration(turn, pending["registration"])
    return _cancel_question(turn, registration) if registration else []


def _cancel(turn: Turn, pending: dict[str, Any]) -> None:
    registration = _registration(turn, pending["registration"])
    if registration is None:
        return
    try:
        registration_cancel(registration=registration, actor=_actor(registration.client))
    except RegistrationRefused as refusal:
        turn.say(_("I could not cancel it: %(reason)s") % {"reason": refusal.message})
        return
    turn.say(
        _("Your registration for %(session)s is cancelled.")
        % {"session": registration.session.title}
    )


# ---- recommendations and courses --------------------------------------------------------------


def recommend_programs(turn: Turn, entities: dict[str, Any]) -> None:
    client = _identified(turn)
    if client is None:
        return
    assessment = client_latest_assessment(client=client)
    mode = assessment.recommended_mode if assessment is not None else None
    session_mode = mode if mode in ("in_person", "online") else None
    programs = [
        program
        for program in program_list_for_agency(agency=turn.agency, published_only=True)
        if client_is_eligible(program=program, client=client)
    ]
    next_session: dict[int, Session] = {}
    for session in session_list_upcoming(agency=turn.agency, mode=session_mode)[:200]:
        next_session.setdefault(session.element.program_id, session)
    pre_arrival = client.arrival_status == ArrivalStatus.PRE_ARRIVAL
    programs.sort(
        key=lambda p: (not (pre_arrival and p.pre_arrival_only), p.pk not in next_session, p.pk)
    )
    if not programs:
        turn.say(
            _(
                "I found no program you can register for right now. Type “person” to talk to a counsellor."
            )
        )
        return
    lines = []
    for program in programs[:3]:
        upcoming = next_session.get(program.pk)
        if upcoming is None:
            lines.append(str(program.title))
        else:
            lines.append(
                str(
                    _("%(program)s — next session: %(session)s")
                    % {"program": program.title, "session": describe_session(turn, upcoming)}
                )
            )
    intro = str(_("Programs that suit you:"))
    if mode:
        intro = _(
            "Your digital skills assessment suggests %(mode)s sessions. Programs that suit you:"
        ) % {"mode": str(DeliveryMode(mode).label).lower()}
    turn.say(intro, numbered(lines), _("Ask me for the next sessions of a program to register."))


def course_progress(turn: Turn, entities: dict[str, Any]) -> None:
    client = _identified(turn)
    if client is None:
        return
    user = client.user
    enrolments = (
        list(enrolment_list_for_user(agency=turn.agency, user=user)[:10])
        if user is not None
        else []
    )
    if not enrolments:
        turn.say(_("You are not enrolled in any online course yet. Ask me about our courses!"))
        return
    lines = [
        str(_("%(course)s: completed") % {"course": enrolment.course.title})
        if enrolment.completed_at
        else str(
            _("%(course)s: %(percent)d%% done")
            % {"course": enrolment.course.title, "percent": enrolment.percent_complete}
        )
        for enrolment in enrolments
    ]
    turn.say(_("Your online courses:"), numbered(lines))


# ---- contact preferences -----------------------------------------------------------------------


def _channel_labels(channels: list[str]) -> str:
    return ", ".join(str(ContactChannel(channel).label) for channel in channels)


def change_contact_preferences(turn: Turn, entities: dict[str, Any]) -> None:
    """Positive wishes ("contact me by email") are confirmed; anything else gets the list.

    Negations ("stop texting me", "call me instead of texting") are not guessed at: the client
    picks from the list, which shows their current choice. Only the request's own words are
    read (a number typed to answer a clarifying question is not a channel).
    """
    client = _identified(turn)
    if client is None:
        return
    text = turn.request_text
    words = " " + " ".join(words_of(text)) + " "
    if any(f" {word} " in words for word in PROFILE_WORDS):
        turn.say(
            _(
                "To change your phone number, email address or language, update your profile on your page, "
                "or type “person” and our team will do it for you."
            )
        )
        return
    kind = kind_in(text)
    if kind is not None and not re.search(r"\d", text):
        _confirm_kind(turn, kind, channels_in(text), enabled=not turns_off(text))
        return
    channels = channels_in(text) if not re.search(r"\d", text) else []
    if channels and not has_negation(text) and "instead" not in words and "au lieu" not in words:
        _confirm_channels(turn, channels)
        return
    current = client.preferred_channels
    turn.ask(
        {"step": "choose_channels"},
        _("Right now we contact you by: %(channels)s.") % {"channels": _channel_labels(current)}
        if current
        else _("You have not chosen how we contact you yet."),
        _("How would you like us to contact you? Type one or more numbers, most preferred first:"),
        numbered([_channel_labels([channel]) for channel in CHANNEL_ORDER]),
    )


def _channels_question(channels: list[str]) -> list[object]:
    return [
        _("Shall I set your contact preferences to: %(channels)s?")
        % {"channels": _channel_labels(channels)},
        YES_NO,
    ]


def _confirm_channels(turn: Turn, channels: list[str]) -> None:
    turn.ask({"step": "confirm_channels", "channels": channels}, *_channels_question(channels))


def _channels_by_text(turn: Turn, pending: dict[str, Any]) -> int | None:
    channels = channels_in(turn.text)
    if channels:
        pending["chosen"] = channels
        return 1
    return None


def _channels_chosen(turn: Turn, pending: dict[str, Any], choice: int) -> None:
    _confirm_channels(turn, pending.get("chosen") or channels_in(turn.text))


def _set_channels(turn: Turn, pending: dict[str, Any]) -> None:
    client = _identified(turn)
    if client is None:
        return
    try:
        client_update_contact_preferences(
            client=client, channels=pending["channels"], actor=_actor(client)
        )
    except ValidationError as error:
        turn.say(" ".join(error.messages))
        return
    turn.say(
        _("Done: we will contact you by %(channels)s.")
        % {"channels": _channel_labels(pending["channels"])}
    )


# Which kinds of messages (tremplin.messaging.message_types.MessageKind) a request is about,
# by folded words in English, French and Spanish: "stop sending me reminders by SMS".
KIND_WORDS = {
    "reminders": ("reminder", "reminders", "remind", "rappel", "rappels", "recordatorio"),
    "surveys": (
        "survey",
        "surveys",
        "questionnaire",
        "questionnaires",
        "sondage",
        "sondages",
        "follow up",
        "follow ups",
        "encuesta",
        "encuestas",
    ),
    "learning": ("recording", "recordings", "enregistrement", "enregistrements", "course nudges"),
    "employment": (
        "hiring event",
        "hiring events",
        "job fair",
        "job fairs",
        "salon de l emploi",
        "evenement d embauche",
        "evenements d embauche",
    ),
    "sessions": ("confirmation", "confirmations", "session changes", "changements de seance"),
}
KIND_NOUNS = {
    "reminders": _("session reminders"),
    "surveys": _("surveys and follow-ups"),
    "learning": _("messages about recordings and courses"),
    "employment": _("hiring event invitations"),
    "sessions": _("registration confirmations and session changes"),
}
# "Stop", "no more", "ne… plus": the client wants fewer messages (read with has_negation).
OFF_WORDS = (
    "stop",
    "no more",
    "no longer",
    "unsubscribe",
    "turn off",
    "arrete",
    "arretez",
    "arreter",
    "ne plus",
    "veux plus",
    "envoyez plus",
    "plus de",
    "desactive",
    "desactivez",
    "ya no",
    "deja de",
)
MESSAGE_CHANNELS = ("sms", "whatsapp", "email")  # what messaging sends (not phone calls)


def kind_in(text: str) -> str | None:
    folded = " " + " ".join(words_of(text)) + " "
    return next(
        (kind for kind, words in KIND_WORDS.items() if any(f" {w} " in folded for w in words)),
        None,
    )


def turns_off(text: str) -> bool:
    folded = " " + " ".join(words_of(text)) + " "
    return has_negation(text) or any(f" {word} " in folded for word in OFF_WORDS)


def _kind_question(pending: dict[str, Any]) -> list[object]:
    values = {
        "kind": KIND_NOUNS[pending["kind"]],
        "channels": _channel_labels(pending["channels"]),
    }
    if pending["enabled"]:
        question = (
            _("Shall I send you %(kind)s by %(channels)s only?")
            if pending["named"]
            else _("Shall I send you %(kind)s again on every channel?")
        )
    else:
        question = (
            _("Shall I stop sending you %(kind)s by %(channels)s?")
            if pending["named"]
            else _("Shall I stop sending you %(kind)s on every channel?")
        )
    return [question % values, YES_NO]


def _confirm_kind(turn: Turn, kind: str, channels: list[str], *, enabled: bool) -> None:
    named = [channel for channel in channels if channel in MESSAGE_CHANNELS]
    pending = {
        "step": "confirm_kind",
        "kind": kind,
        "channels": named or list(MESSAGE_CHANNELS),
        "named": bool(named),
        "enabled": enabled,
    }
    turn.ask(pending, *_kind_question(pending))


def _set_kind(turn: Turn, pending: dict[str, Any]) -> None:
    """The same service as the client's "My messages" page, one kind × channel at a time."""
    from tremplin.messaging.selectors import channels_reachable
    from tremplin.messaging.services import preference_set

    client = _identified(turn)
    if client is None:
        return
    kind, channels, enabled = pending["kind"], pending["channels"], pending["enabled"]
    reachable = channels_reachable(client=client)
    changes = {channel: enabled for channel in channels}
    # "Send me reminders on WhatsApp": there, and no longer on the other channels — only when
    # WhatsApp can be used for them, so that their reminders never end up going nowhere.
    if enabled and pending["named"] and reachable.intersection(channels):
        changes.update({c: False for c in MESSAGE_CHANNELS if c not in channels})
    for channel, wanted in changes.items():
        preference_set(
            client=client, kind=kind, channel=channel, enabled=wanted, actor=_actor(client)
        )
    values = {"kind": KIND_NOUNS[kind], "channels": _channel_labels(channels)}
    if not enabled:
        turn.say(_("Done: you will no longer receive %(kind)s by %(channels)s.") % values)
        return
    turn.say(_("Done: you will receive %(kind)s by %(channels)s.") % values)
    missing = [channel for channel in channels if channel not in reachable]
    if missing:
        turn.say(
            _(
                "We cannot use %(channels)s for you yet (no agreement or no address in your "
                "file). Type “person” and a counsellor will add it."
            )
            % {"channels": _channel_labels(missing)}
        )


# ---- job postings ---------------------------------------------------------------------------

JOBS_SHOWN = 5


def describe_posting(posting: JobPosting) -> str:
    """Title — employer · city or remote · apply by (the posting's own facts only)."""
    place = str(_("remote")) if posting.work_mode == WorkMode.REMOTE else posting.city
    parts = [f"{posting.title} — {posting.employer.name}"]
    if place:
        parts.append(place)
    parts.append(
        str(
            _("apply by %(date)s")
            % {"date": date_format(posting.closing_date, "SHORT_DATE_FORMAT")}
        )
    )
    return " · ".join(parts)


def jobs_in_my_field(turn: Turn, entities: dict[str, Any]) -> None:
    """ "Jobs in my field?": the open postings matched to the identified client's profile, by
    the selector of their "My jobs" page; a visitor gets the open postings and an invitation
    to sign in. Only the records are read: no posting is ever made up."""
    client = turn.client
    if client is None:
        postings = list(job_postings_open(agency=turn.agency)[:JOBS_SHOWN])
        if postings:
            turn.say(
                _("Here are our latest job postings:"),
                numbered([describe_posting(posting) for posting in postings]),
            )
        else:
            turn.say(_("There is no open job posting right now. Please check again soon."))
        turn.say(
            _("Sign in and ask me again: I will show the jobs that match your occupation.")
            if turn.is_web
            else _(
                "To see the jobs that match your occupation, sign in on our website "
                "(your phone number must be in your client file)."
            )
        )
        return
    if not client.noc_code:
        turn.say(
            _(
                "Your file does not say your occupation yet, so I cannot match jobs to it. "
                "Type “person” and a counsellor will add it."
            )
        )
        return
    matches = postings_matched_for_client(client=client, limit=JOBS_SHOWN)
    if not matches:
        turn.say(
            _(
                "I found no open job posting in your field right now. New jobs come in every "
                "week: ask me again soon, or type “person” to talk to a counsellor."
            )
        )
        return
    turn.say(
        _("Job postings that match your profile:"),
        numbered([describe_posting(match.posting) for match in matches]),
        _("To tell an employer you are interested, open the job on your page “My jobs”."),
    )


# ---- what the engine runs ---------------------------------------------------------------------

Action = Callable[[Turn, dict[str, Any]], None]

ACTIONS: dict[str, Action] = {
    "greeting": greet,
    "goodbye": goodbye,
    "thanks": thanks,
    "find_next_sessions": find_next_sessions,
    "register_for_session": register_for_session,
    "cancel_registration": cancel_registration,
    "my_registrations": my_registrations,
    "recommend_programs": recommend_programs,
    "course_progress": course_progress,
    "change_contact_preferences": change_contact_preferences,
    "jobs_in_my_field": jobs_in_my_field,
    "talk_to_human": talk_to_human,
}

# Actions that read a date: an ambiguous one ("next Tuesday" said on a Monday) is asked about
# first (engine.perform).
ACTIONS_WITH_DATES = frozenset({"find_next_sessions", "register_for_session"})

# FAQ intents followed by what the records hold (the knowledge base explains, the records list).
FAQ_FOLLOW_UPS: dict[str, Callable[[Turn], None]] = {"hiring_events_info": hiring_events_follow_up}

# The questions of the flows, as data (see dialogue.py): what answers them and what they do.
STEPS: dict[str, Step] = {
    "choose_session": Choose(
        count=lambda turn, pending: len(pending["sessions"]),
        chosen=_session_chosen,
        more=_more_sessions,
    ),
    "choose_mode": Choose(
        count=lambda turn, pending: len(pending.get("modes", [])),
        chosen=_mode_chosen,
        by_text=_mode_by_text,
    ),
    "confirm_register": Confirm(
        question=_register_question,
        on_yes=_register,
        refused=_("All right, I have not registered you."),
        on_other=_register_other,
        on_text=_register_mode_named,
    ),
    "choose_registration": Choose(
        count=lambda turn, pending: len(pending["registrations"]),
        chosen=_registration_chosen,
    ),
    "confirm_cancel": Confirm(
        question=_cancel_again,
        on_yes=_cancel,
        refused=_("All right, your registration stays as it is."),
    ),
    "choose_channels": Choose(
        count=lambda turn, pending: 0,
        chosen=_channels_chosen,
        by_text=_channels_by_text,
    ),
    "confirm_channels": Confirm(
        question=lambda turn, pending: _channels_question(pending["channels"]),
        on_yes=_set_channels,
        refused=_("All right, nothing changed."),
    ),
    "confirm_kind": Confirm(
        question=lambda turn, pending: _kind_question(pending),
        on_yes=_set_kind,
        refused=_("All right, nothing changed."),
    ),
}
