"""Programs of service elements, hybrid sessions, registrations with per-mode waitlists,
attendance, recordings and calendar feeds.

Every registration rule lives in `services.py`; these models hold the data and the database
constraints that back those rules (one active registration per client and session, unique
waitlist positions per session and mode).
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from tremplin.core.choices import DeliveryMode
from tremplin.core.files import random_file_name


class ServiceType(models.TextChoices):
    INTAKE = "intake", _("Intake and assessment")
    WORKSHOP = "workshop", _("Workshop")
    JOB_SEARCH = "job_search", _("Job-search support")
    COUNSELLING = "counselling", _("One-to-one counselling")
    MENTORING = "mentoring", _("Mentoring")
    NETWORKING = "networking", _("Peer networking circle")
    HIRING_EVENT = "hiring_event", _("Hiring event")
    POST_HIRE = "post_hire", _("Post-hire follow-up")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class SessionLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    BILINGUAL = "en-fr", _("English and French")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationChannel(models.TextChoices):
    WEB = "web", _("Website")
    ASSISTANT = "assistant", _("Virtual assistant")
    STAFF = "staff", _("Staff")
    API = "api", _("API")


class AttendanceStatus(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")


class CheckInMethod(models.TextChoices):
    DOOR = "door", _("Checked in by staff")
    CODE = "code", _("Self check-in with the session code")
    JOIN_LINK = "join_link", _("Joined online through Tremplin")


# The modes a client can choose for each delivery mode.
MODES_OF_DELIVERY: dict[str, tuple[str, ...]] = {
    DeliveryMode.IN_PERSON: (AttendanceMode.IN_PERSON,),
    DeliveryMode.ONLINE: (AttendanceMode.ONLINE,),
    DeliveryMode.HYBRID: (AttendanceMode.IN_PERSON, AttendanceMode.ONLINE),
}


class Program(models.Model):
    """A program of service elements. With no agency it is a network template that member
    agencies adopt: adoption copies it into an agency program that points back to the template.

    Eligibility (checked by `services.registration_create`, staff may override with a reason):
    - `eligible_immigration_categories`: the client's category must be one of them (empty: all);
    - `pre_arrival_allowed`: clients not yet in Canada may register;
    - `pre_arrival_only`: only clients not yet in Canada may register (pre-arrival services);
    - `eligible_location_types`: the client must live in one of these kinds of place (empty: all),
      e.g. an outreach program for rural clients.
    """

    network = models.ForeignKey(
        "agencies.Network", on_delete=models.CASCADE, related_name="programs"
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="programs"
    )
    template = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
        verbose_name=_("network template"),
    )
    title = I18nCharField(_("title"), max_length=200)
    description = I18nTextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published in the catalogue"), default=True)
    eligible_immigration_categories = models.JSONField(
        _("immigration categories served"),
        default=list,
        blank=True,
        help_text=_("Leave empty to serve every category."),
    )
    pre_arrival_allowed = models.BooleanField(_("open to pre-arrival clients"), default=True)
    pre_arrival_only = models.BooleanField(_("only for pre-arrival clients"), default=False)
    eligible_location_types = models.JSONField(
        _("places where clients live"),
        default=list,
        blank=True,
        help_text=_("Leave empty to serve clients wherever they live."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_template(self) -> bool:
        return self.agency_id is None


class ServiceElement(models.Model):
    """One kind of service a program offers (a workshop, mentoring, a hiring event…)."""

    # Denormalised from the program (None for network templates) so tenancy stays one filter.
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_elements",
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="elements")
    service_type = models.CharField(
        _("type of service"), max_length=20, choices=ServiceType.choices
    )
    title = I18nCharField(_("title"), max_length=200)
    description = I18nTextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("service element")
        verbose_name_plural = _("service elements")
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return str(self.title)


def new_check_in_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class Session(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="sessions")
    element = models.ForeignKey(ServiceElement, on_delete=models.PROTECT, related_name="sessions")
    title = I18nCharField(_("title"), max_length=200)
    topic = models.CharField(
        _("topic keywords"),
        max_length=200,
        blank=True,
        help_text=_("Words people may search for, in any language, e.g. “resume cv interview”."),
    )
    # Lower-case, accent-free words of the topic and of every translation of the session,
    # element and program titles: a topic search is one LIKE per word in any language.
    search_text = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=10, choices=DeliveryMode.choices
    )
    in_person_capacity = models.PositiveIntegerField(_("seats in the room"), default=0)
    location = models.ForeignKey(
        "agencies.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("location"),
    )
    online_capacity = models.PositiveIntegerField(_("seats online"), default=0)
    join_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    language = models.CharField(
        _("language of delivery"),
        max_length=8,
        choices=SessionLanguage.choices,
        default=SessionLanguage.EN,
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_sessions",
        verbose_name=_("facilitators"),
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    waitlist_enabled = models.BooleanField(_("waitlist when full"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    series = models.UUIDField(_("series"), null=True, blank=True, db_index=True)
    check_in_code = models.CharField(_("check-in code"), max_length=6, default=new_check_in_code)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")
    # Not a field: the catalogue view sets it on each listed session (the reader's registration).
    my_registration: "Registration | None"

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["agency", "status", "starts_at"], name="session_upcoming")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def modes(self) -> tuple[str, ...]:
        return MODES_OF_DELIVERY[self.delivery_mode]

    def capacity(self, mode: str) -> int:
        if mode not in self.modes:
            return 0
        return self.in_person_capacity if mode == AttendanceMode.IN_PERSON else self.online_capacity

    @property
    def offers_in_person(self) -> bool:
        return AttendanceMode.IN_PERSON in self.modes

    @property
    def offers_online(self) -> bool:
        return AttendanceMode.ONLINE in self.modes

    def seats_left(self, mode: str) -> int:
        """Needs the `confirmed_in_person` / `confirmed_online` annotations of the selectors."""
        return max(0, self.capacity(mode) - getattr(self, f"confirmed_{mode}"))

    @property
    def seats_left_in_person(self) -> int:
        return self.seats_left(AttendanceMode.IN_PERSON)

    @property
    def seats_left_online(self) -> int:
        return self.seats_left(AttendanceMode.ONLINE)

    @property
    def is_upcoming(self) -> bool:
        return self.status == SessionStatus.SCHEDULED and self.starts_at > timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def join_opens_at(self) -> datetime:
        return self.starts_at - JOIN_EARLY

    @property
    def check_in_opens_at(self) -> datetime:
        """Door and self check-in open settings.CHECK_IN_OPENS_MINUTES before the start."""
        minutes = getattr(settings, "CHECK_IN_OPENS_MINUTES", None)
        early = CHECK_IN_EARLY if minutes is None else timedelta(minutes=minutes)
        return self.starts_at - early

    @property
    def check_in_is_open(self) -> bool:
        return self.status != SessionStatus.CANCELLED and self.check_in_opens_at <= timezone.now()


# How early the Join link and the self check-in open before the start.
JOIN_EARLY = timedelta(minutes=15)
CHECK_IN_EARLY = timedelta(minutes=30)


class Registration(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="registrations"
    )
    # No index of its own: the seat index (session, mode, status) leads with it, and one index
    # less is one write less for every registration.
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", db_index=False
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="registrations"
    )
    mode = models.CharField(_("attends"), max_length=10, choices=AttendanceMode.choices)
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    # 1, 2, 3… per (session, mode) while waitlisted, gapless; None otherwise. A plain integer
    # (not Positive…) because closing a gap briefly stores negatives (see services).
    waitlist_position = models.IntegerField(_("place on the waitlist"), null=True, blank=True)
    channel = models.CharField(
        _("registered through"),
        max_length=10,
        choices=RegistrationChannel.choices,
        default=RegistrationChannel.WEB,
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Set when a waitlisted registration gets a seat; `promotion_notified_at` stays empty until
    # the person has been told (the messaging app looks for promoted, not yet notified rows).
    promoted_at = models.DateTimeField(_("moved off the waitlist"), null=True, blank=True)
    promotion_notified_at = models.DateTimeField(null=True, blank=True)
    # Set by registration_create in the same INSERT; a worker tells the person (confirmed or
    # waitlisted) and clears it, so the message costs the request nothing and is never lost.
    notice_pending = models.BooleanField(default=False)
    attendance = models.CharField(
        _("attendance"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.UNKNOWN,
        blank=True,
    )
    attended_mode = models.CharField(
        _("attended"), max_length=10, choices=AttendanceMode.choices, blank=True
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    check_in_method = models.CharField(
        _("check-in"), max_length=10, choices=CheckInMethod.choices, blank=True
    )

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["session", "mode", "status"], name="registration_seats"),
            models.Index(
                fields=["id"], condition=models.Q(notice_pending=True), name="registration_notice"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client"],
                condition=~models.Q(status="cancelled"),
                name="registration_one_active_per_client",
            ),
            models.UniqueConstraint(
                fields=["session", "mode", "waitlist_position"],
                condition=models.Q(status="waitlisted"),
                name="registration_unique_waitlist_position",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="waitlisted") & models.Q(waitlist_position__isnull=False)
                )
                | (~models.Q(status="waitlisted") & models.Q(waitlist_position__isnull=True)),
                name="registration_position_only_when_waitlisted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.session}"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


def recording_upload_to(recording: "Recording", filename: str) -> str:
    return random_file_name(f"recordings/{recording.agency_id}", filename)


class Recording(models.Model):
    """A recording of a session, for clients registered in the session's program."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="recordings"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="recordings")
    title = I18nCharField(_("title"), max_length=200)
    url = models.URLField(_("link to the recording"), max_length=500, blank=True)
    file = models.FileField(_("recording file"), upload_to=recording_upload_to, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(url="") & models.Q(file=""))
                | (models.Q(url="") & ~models.Q(file="")),
                name="recording_link_or_file",
            )
        ]

    def __str__(self) -> str:
        return str(self.title)


class RecordingView(models.Model):
    """One viewing of a recording by a client: view counts, and who watched for evaluation."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="views")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="recording_views"
    )
    viewed_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("recording view")
        verbose_name_plural = _("recording views")

    def __str__(self) -> str:
        return f"{self.recording_id} · {self.viewed_at:%Y-%m-%d %H:%M}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The private token of a client's own calendar feed (knowing the URL is the access)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.client_id}"
