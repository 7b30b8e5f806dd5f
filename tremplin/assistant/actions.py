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
from tremplin.assistant.engine import Turn, date_range_of, fold, intent_label, perform
from tremplin.assistant.nlu.entities import extract_mode
from tremplin.clients.models import ArrivalStatus, Client, ContactChannel
from tremplin.clients.selectors import client_latest_assessment
from tremplin.clients.services import client_update_contact_preferences
from tremplin.core.choices import DeliveryMode
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

MAX_CHOICES = 5

ACTION_LABELS = {
    "greeting": _("Say hello"),
    "goodbye": _("Say goodbye"),
    "thanks": _("Say thank you"),
    "find_next_sessions": _("Find the next sessions"),
    "register_for_session": _("Register for a session"),
    "cancel_registration": _("Cancel a registration"),
    "my_registrations": _("See my registrations"),
    "recommend_programs": _("Suggest programs for me"),
    "course_progress": _("See my progress in online courses"),
    "change_contact_preferences": _("Change how we contact you"),
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
    "email": ("email", "e-mail", "e mail", "courriel", "mail"),
    "sms": ("sms", "text", "texto", "texte", "textos"),
    "whatsapp": ("whatsapp", "whats app"),
    "phone": ("phone", "call", "telephone", "appel", "appeler", "appelle"),
}
CHANNEL_ORDER = ["email", "sms", "whatsapp", "phone"]
NEGATION_WORDS = (
    "stop",
    "dont",
    "don t",
    "no more",
    "not",
    "anymore",
    "instead",
    "unsubscribe",
    "arrete",
    "arretez",
    "plus",
    "pas",
    "au lieu",
    "ne",
)
PROFILE_WORDS = ("number", "numero", "address", "adresse", "language", "langue")
YES_WORDS = {
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "ok",
    "okay",
    "sure",
    "confirm",
    "oui",
    "ouais",
    "o",
    "daccord",
    "d accord",
    "confirme",
    "confirmer",
    "si",
    "vas y",
}
NO_WORDS = {"no", "n", "nope", "non", "cancel", "annuler", "annule", "pas", "stop", "nan"}


# ---- reading answers ------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", fold(text).replace("'", " ")).split()


def chosen_number(text: str, count: int) -> int | None:
    """1-based choice from a short answer such as "2", "number 2", "le 2"; None otherwise."""
    words = _words(text)
    numbers = [int(word) for word in words if word.isdigit() and len(word) <= 2]
    if len(words) <= 5 and len(numbers) == 1 and 1 <= numbers[0] <= count:
        return numbers[0]
    return None


def yes_or_no(text: str) -> bool | None:
    words = _words(text)
    if not words or len(words) > 4:
        return None
    if words[0] in ("1", *YES_WORDS) or " ".join(words) in YES_WORDS:
        return True
    if words[0] in ("2", *NO_WORDS) or " ".join(words) in NO_WORDS:
        return False
    return None


def channels_in(text: str) -> list[str]:
    folded = " " + " ".join(_words(text)) + " "
    found = [
        channel
        for channel in CHANNEL_ORDER
        if any(f" {word} " in folded for word in CHANNEL_WORDS[channel])
    ]
    numbers = [int(word) for word in _words(text) if word.isdigit() and len(word) == 1]
    found += [CHANNEL_ORDER[n - 1] for n in numbers if 1 <= n <= len(CHANNEL_ORDER)]
    return list(dict.fromkeys(found))


def numbered(lines: list[str]) -> str:
    return "\n".join(f"{index}. {line}" for index, line in enumerate(lines, start=1))


# ---- describing sessions ----------------------------------------------------------------------


def _when(turn: Turn, moment: datetime) -> str:
    return date_format(
        timezone.localtime(moment, ZoneInfo(turn.agency.time_zone)), "DATETIME_FORMAT"
    )


def describe_session(turn: Turn, session: Session, mode: str | None = None) -> str:
    """Title — when (modes · place); with a chosen mode, only that mode."""

    modes = (mode,) if mode else session.modes
    labels = ", ".join(str(AttendanceMode(choice).label).lower() for choice in modes)
    where = (
        f" · {session.location.name}"
        if session.location is not None and AttendanceMode.IN_PERSON in modes
        else ""
    )
    return f"{session.title} — {_when(turn, session.starts_at)} ({labels}{where})"


def describe_registration(turn: Turn, registration: Registration) -> str:
    line = f"{registration.session.title} — {_when(turn, registration.session.starts_at)}, "
    line += str(AttendanceMode(registration.mode).label).lower()
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


def _upcoming(turn: Turn, entities: dict[str, Any]) -> QuerySet[Session]:
    start, end = date_range_of(entities)
    topic_filter = TOPIC_FILTERS.get(entities.get("topic", ""), {})
    mode = entities.get("mode")
    return session_list_upcoming(
        agency=turn.agency,
        mode=mode if mode in ("in_person", "online", "hybrid") else None,
        start=start,
        end=end,
        **topic_filter,
    )


def _offer_sessions(turn: Turn, sessions: list[Session], *, intro: object) -> None:
    turn.ask(
        {"step": "choose_session", "sessions": [session.pk for session in sessions]},
        intro,
        numbered([describe_session(turn, session) for session in sessions]),
        _("To register, type the number of a session.")
        if turn.client is not None or turn.is_web
        else _(
            "To register, type the number of a session (your phone number must be in your client file)."
        ),
    )


def find_next_sessions(turn: Turn, entities: dict[str, Any]) -> None:
    sessions = list(_upcoming(turn, entities)[:MAX_CHOICES])
    if sessions:
        _offer_sessions(turn, sessions, intro=_("Here are the next sessions:"))
        return
    if entities:
        sessions = list(_upcoming(turn, {})[:MAX_CHOICES])
    if sessions:
        _offer_sessions(
            turn,
            sessions,
            intro=_("I found no upcoming session matching that. Here are the next sessions:"),
        )
    else:
        turn.say(_("There are no upcoming sessions right now. Please check again soon."))


def register_for_session(turn: Turn, entities: dict[str, Any]) -> None:
    if _identified(turn) is None:
        return
    sessions = list(_upcoming(turn, entities)[:MAX_CHOICES])
    if len(sessions) == 1:
        _choose_mode(turn, sessions[0], entities.get("mode"))
    elif sessions:
        _offer_sessions(turn, sessions, intro=_("Which session would you like to register for?"))
    else:
        find_next_sessions(turn, {})


def _choose_mode(turn: Turn, session: Session, mode: str | None) -> None:
    if mode in session.modes:
        _confirm_registration(turn, session, mode)
    elif len(session.modes) == 1:
        _confirm_registration(turn, session, session.modes[0])
    else:
        turn.ask(
            {"step": "choose_mode", "session": session.pk},
            _("Would you like to attend %(session)s in person or online?")
            % {"session": session.title},
            numbered([str(AttendanceMode(choice).label) for choice in session.modes]),
            NUMBER_PROMPT,
        )


def _confirm_registration(turn: Turn, session: Session, mode: str) -> None:
    turn.ask(
        {"step": "confirm_register", "session": session.pk, "mode": mode},
        _("Shall I register you for %(session)s?")
        % {"session": describe_session(turn, session, mode)},
        YES_NO,
    )


def _session(turn: Turn, session_id: int) -> Session | None:
    try:
        return session_get_for_agency(
            agency=turn.agency, session_id=session_id, published_only=True
        )
    except Http404:
        turn.say(_("That session is no longer available."))
        return None


def step_choose_session(turn: Turn, pending: dict[str, Any]) -> bool:
    choice = chosen_number(turn.text, len(pending["sessions"]))
    if choice is None:
        return False
    if _identified(turn) is None:
        return True
    session = _session(turn, pending["sessions"][choice - 1])
    if session is not None:
        _choose_mode(turn, session, None)
    return True


def step_choose_mode(turn: Turn, pending: dict[str, Any]) -> bool:
    session = _session(turn, pending["session"])
    if session is None:
        return True
    choice = chosen_number(turn.text, len(session.modes))
    mode = session.modes[choice - 1] if choice else extract_mode(turn.text)
    if mode not in session.modes:
        return False
    _confirm_registration(turn, session, mode)
    return True


def step_confirm_register(turn: Turn, pending: dict[str, Any]) -> bool:
    answer = yes_or_no(turn.text)
    if answer is None:
        return False
    if not answer:
        turn.say(_("All right, I have not registered you."))
        return True
    client = _identified(turn)
    session = _session(turn, pending["session"]) if client is not None else None
    if client is None or session is None:
        return True
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
        return True
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
    return True


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


def _confirm_cancel(turn: Turn, registration: Registration) -> None:
    turn.ask(
        {"step": "confirm_cancel", "registration": registration.pk},
        _("Shall I cancel your registration for %(registration)s?")
        % {"registration": describe_registration(turn, registration)},
        YES_NO,
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


def step_choose_registration(turn: Turn, pending: dict[str, Any]) -> bool:
    choice = chosen_number(turn.text, len(pending["registrations"]))
    if choice is None:
        return False
    registration = _registration(turn, pending["registrations"][choice - 1])
    if registration is not None:
        _confirm_cancel(turn, registration)
    return True


def step_confirm_cancel(turn: Turn, pending: dict[str, Any]) -> bool:
    answer = yes_or_no(turn.text)
    if answer is None:
        return False
    if not answer:
        turn.say(_("All right, your registration stays as it is."))
        return True
    registration = _registration(turn, pending["registration"])
    if registration is None:
        return True
    try:
        registration_cancel(registration=registration, actor=_actor(registration.client))
    except RegistrationRefused as refusal:
        turn.say(_("I could not cancel it: %(reason)s") % {"reason": refusal.message})
        return True
    turn.say(
        _("Your registration for %(session)s is cancelled.")
        % {"session": registration.session.title}
    )
    return True


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
    picks from the list, which shows their current choice.
    """
    client = _identified(turn)
    if client is None:
        return
    words = " " + " ".join(_words(turn.text)) + " "
    if any(f" {word} " in words for word in PROFILE_WORDS):
        turn.say(
            _(
                "To change your phone number, email address or language, update your profile on your page, "
                "or type “person” and our team will do it for you."
            )
        )
        return
    channels = channels_in(turn.text)
    if channels and not any(f" {word} " in words for word in NEGATION_WORDS):
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


def _confirm_channels(turn: Turn, channels: list[str]) -> None:
    turn.ask(
        {"step": "confirm_channels", "channels": channels},
        _("Shall I set your contact preferences to: %(channels)s?")
        % {"channels": _channel_labels(channels)},
        YES_NO,
    )


def step_choose_channels(turn: Turn, pending: dict[str, Any]) -> bool:
    channels = channels_in(turn.text)
    if not channels:
        return False
    _confirm_channels(turn, channels)
    return True


def step_confirm_channels(turn: Turn, pending: dict[str, Any]) -> bool:
    answer = yes_or_no(turn.text)
    if answer is None:
        return False
    if not answer:
        turn.say(_("All right, nothing changed."))
        return True
    client = _identified(turn)
    if client is None:
        return True
    try:
        client_update_contact_preferences(
            client=client, channels=pending["channels"], actor=_actor(client)
        )
    except ValidationError as error:
        turn.say(" ".join(error.messages))
        return True
    turn.say(
        _("Done: we will contact you by %(channels)s.")
        % {"channels": _channel_labels(pending["channels"])}
    )
    return True


# ---- clarification ------------------------------------------------------------------------------


def step_clarify(turn: Turn, pending: dict[str, Any]) -> bool:
    options: list[str] = pending["options"]
    choice = chosen_number(turn.text, len(options))
    if choice is None:
        typed = fold(turn.text)
        labels = [fold(intent_label(turn.agency, option, turn.language)) for option in options]
        choice = next((index + 1 for index, label in enumerate(labels) if typed == label), None)
    if choice is None:
        return False
    turn.state["misses"] = 0
    perform(turn, options[choice - 1], pending.get("entities", {}))
    return True


Action = Callable[[Turn, dict[str, Any]], None]
Step = Callable[[Turn, dict[str, Any]], bool]

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
    "talk_to_human": talk_to_human,
}
STEPS: dict[str, Step] = {
    "clarify": step_clarify,
    "choose_session": step_choose_session,
    "choose_mode": step_choose_mode,
    "confirm_register": step_confirm_register,
    "choose_registration": step_choose_registration,
    "confirm_cancel": step_confirm_cancel,
    "choose_channels": step_choose_channels,
    "confirm_channels": step_confirm_channels,
}
