"""Message types: what Tremplin tells clients, which kind each belongs to, and the shipped texts.

Callers name a type (never a channel or a text); `services.notify` picks the channel and
renders the text in the client's language. English and French are shipped here (French in the
app's catalog); staff may add other languages per type (`MessageTemplate`).

Texts use `{placeholder}` fields filled from the context (unknown ones render empty).
"""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class MessageType(models.TextChoices):
    REGISTRATION_CONFIRMED = "registration_confirmed", _("Registration confirmed")
    WAITLISTED = "waitlisted", _("Placed on the waitlist")
    WAITLIST_PROMOTED = "waitlist_promoted", _("Moved from the waitlist to a seat")
    SESSION_CHANGED = "session_changed", _("Session changed")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    SESSION_REMINDER_24H = "session_reminder_24h", _("Reminder 24 hours before a session")
    SESSION_REMINDER_1H = "session_reminder_1h", _("Reminder 1 hour before a session")
    RECORDING_AVAILABLE = "recording_available", _("Recording available")
    COURSE_NUDGE = "course_nudge", _("Course nudge after a week without progress")
    SURVEY_INVITATION = "survey_invitation", _("Survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")
    FOLLOWUP_INVITATION = "followup_invitation", _("Follow-up invitation")
    STAFF_REPLY = "staff_reply", _("Reply from staff")
    HIRING_EVENT_INVITATION = "hiring_event_invitation", _("Hiring event invitation")


class MessageKind(models.TextChoices):
    """What a client may turn on or off, per channel."""

    SESSIONS = "sessions", _("Registrations and session changes")
    REMINDERS = "reminders", _("Session reminders")
    LEARNING = "learning", _("Recordings and courses")
    SURVEYS = "surveys", _("Surveys and follow-ups")
    EMPLOYMENT = "employment", _("Hiring events")


KIND_OF_TYPE: dict[str, str | None] = {
    MessageType.REGISTRATION_CONFIRMED: MessageKind.SESSIONS,
    MessageType.WAITLISTED: MessageKind.SESSIONS,
    MessageType.WAITLIST_PROMOTED: MessageKind.SESSIONS,
    MessageType.SESSION_CHANGED: MessageKind.SESSIONS,
    MessageType.SESSION_CANCELLED: MessageKind.SESSIONS,
    MessageType.SESSION_REMINDER_24H: MessageKind.REMINDERS,
    MessageType.SESSION_REMINDER_1H: MessageKind.REMINDERS,
    MessageType.RECORDING_AVAILABLE: MessageKind.LEARNING,
    MessageType.COURSE_NUDGE: MessageKind.LEARNING,
    MessageType.SURVEY_INVITATION: MessageKind.SURVEYS,
    MessageType.SURVEY_REMINDER: MessageKind.SURVEYS,
    MessageType.FOLLOWUP_INVITATION: MessageKind.SURVEYS,
    MessageType.HIRING_EVENT_INVITATION: MessageKind.EMPLOYMENT,
    MessageType.STAFF_REPLY: None,  # an answer to the client's own request: always allowed
}

# The languages shipped for every type (the app's catalog translates them to French).
SHIPPED_LANGUAGES = ("en", "fr")

# (subject for email, body) per type.
SHIPPED_TEXTS: dict[str, tuple[Promise, Promise]] = {
    MessageType.REGISTRATION_CONFIRMED: (
        _("You are registered: {session}"),
        _("Hello {first_name}, you are registered for “{session}” on {when}. {where}"),
    ),
    MessageType.WAITLISTED: (
        _("On the waitlist: {session}"),
        _(
            "Hello {first_name}, “{session}” on {when} is full: you are number {position} on "
            "the waitlist. We will tell you as soon as a seat is free."
        ),
    ),
    MessageType.WAITLIST_PROMOTED: (
        _("A seat is yours: {session}"),
        _(
            "Good news, {first_name}: a seat is free and you are now registered for "
            "“{session}” on {when}. {where}"
        ),
    ),
    MessageType.SESSION_CHANGED: (
        _("Session changed: {session}"),
        _("Hello {first_name}, “{session}” has changed: it now takes place on {when}. {where}"),
    ),
    MessageType.SESSION_CANCELLED: (
        _("Session cancelled: {session}"),
        _(
            "Hello {first_name}, “{session}” planned on {when} is cancelled. We are sorry. "
            "Your counsellor can suggest another session."
        ),
    ),
    MessageType.SESSION_REMINDER_24H: (
        _("Reminder: {session} on {when}"),
        _("Reminder: “{session}” takes place on {when}. {where}"),
    ),
    MessageType.SESSION_REMINDER_1H: (
        _("Reminder: {session} in one hour"),
        _("Reminder: “{session}” starts in one hour ({when}). {where}"),
    ),
    MessageType.RECORDING_AVAILABLE: (
        _("Recording available: {title}"),
        _("Hello {first_name}, the recording “{title}” is available: {link}"),
    ),
    MessageType.COURSE_NUDGE: (
        _("Continue your course: {course}"),
        _(
            "Hello {first_name}, you have not opened “{course}” for a week. Continue where you "
            "left off: {link}"
        ),
    ),
    MessageType.SURVEY_INVITATION: (
        _("Your opinion: {survey}"),
        _(
            "Hello {first_name}, please tell us what you thought: “{survey}” takes a few "
            "minutes. {link}"
        ),
    ),
    MessageType.SURVEY_REMINDER: (
        _("Reminder: {survey}"),
        _("Reminder: your answers to “{survey}” help us improve our services. {link}"),
    ),
    MessageType.FOLLOWUP_INVITATION: (
        _("How are things going?"),
        _(
            "Hello {first_name}, how are things going? Please answer a few questions about your "
            "situation: {link}"
        ),
    ),
    MessageType.STAFF_REPLY: (
        _("A message from your employment agency"),
        _("{text}"),
    ),
    MessageType.HIRING_EVENT_INVITATION: (
        _("Invitation: {event}"),
        _("Hello {first_name}, you are invited to “{event}” on {when}. {where} {link}"),
    ),
}
