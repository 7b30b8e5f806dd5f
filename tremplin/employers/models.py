"""Employers and what they do with the agency: job postings, hiring events, mentoring.

- `Employer` (an organisation) and `EmployerContact` (a person who signs in with the
  employer role and acts for that one organisation);
- `JobPosting`, and `JobInterest`: a client's interest in a posting with the explicit,
  per-posting choice of the profile fields the employer may see;
- `HiringEvent`: a programs `Session` (its registration, waitlist, check-in and join link are
  the session's) with `EventEmployer` rows (a table or a breakout room) and their `TimeSlot`s
  that registered clients book (`SlotBooking`, never more bookings than the slot's capacity);
- mentoring: `MentorProfile`, `MenteeRequest`, `MentoringMatch` (proposed by the optimal
  assignment of `matching.py`, approved by staff), `MentoringMeeting`, `MentoringFeedback`.

Every row belongs to one agency (`agency` FK + ScopedManager), like the rest of Tremplin.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField


class Sector(models.TextChoices):
    """NAICS 2022 sectors (two-digit codes)."""

    AGRICULTURE = "11", _("Agriculture, forestry, fishing and hunting")
    MINING = "21", _("Mining, quarrying, and oil and gas extraction")
    UTILITIES = "22", _("Utilities")
    CONSTRUCTION = "23", _("Construction")
    MANUFACTURING = "31-33", _("Manufacturing")
    WHOLESALE = "41", _("Wholesale trade")
    RETAIL = "44-45", _("Retail trade")
    TRANSPORTATION = "48-49", _("Transportation and warehousing")
    INFORMATION = "51", _("Information and cultural industries")
    FINANCE = "52", _("Finance and insurance")
    REAL_ESTATE = "53", _("Real estate and rental and leasing")
    PROFESSIONAL = "54", _("Professional, scientific and technical services")
    MANAGEMENT = "55", _("Management of companies and enterprises")
    ADMINISTRATIVE = "56", _("Administrative and support, waste management and remediation")
    EDUCATION = "61", _("Educational services")
    HEALTH = "62", _("Health care and social assistance")
    ARTS = "71", _("Arts, entertainment and recreation")
    ACCOMMODATION = "72", _("Accommodation and food services")
    OTHER_SERVICES = "81", _("Other services (except public administration)")
    PUBLIC_ADMINISTRATION = "91", _("Public administration")


class SizeBand(models.TextChoices):
    """As the funder reports it."""

    UNDER_500 = "under_500", _("Fewer than 500 employees")
    FROM_500 = "500_plus", _("500 employees or more")


class WorkMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    HYBRID = "hybrid", _("Hybrid")
    REMOTE = "remote", _("Remote")


class EmploymentType(models.TextChoices):
    """schema.org JobPosting employmentType values, lower-cased."""

    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    CONTRACT = "contractor", _("Contract")
    TEMPORARY = "temporary", _("Temporary")
    SEASONAL = "seasonal", _("Seasonal")
    INTERN = "intern", _("Internship")


class WageUnit(models.TextChoices):
    HOUR = "HOUR", _("per hour")
    YEAR = "YEAR", _("per year")


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class InterestStatus(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    INTERVIEW = "interview", _("Invited to an interview")
    HIRED = "hired", _("Hired")
    NOT_RETAINED = "not_retained", _("Not retained")
    WITHDRAWN = "withdrawn", _("Withdrawn by the client")


class ShareableField(models.TextChoices):
    """The parts of a profile a client may choose to share with an employer."""

    NAME = "name", _("My name")
    EMAIL = "email", _("My email address")
    PHONE = "phone", _("My phone number")
    OCCUPATION = "occupation", _("My occupation and years of experience")
    EDUCATION = "education", _("My education")
    LANGUAGES = "languages", _("The languages I speak and my levels")
    GOAL = "goal", _("My employment goal")


class MatchMode(models.TextChoices):
    """How a mentor and a mentee may meet."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class Availability(models.TextChoices):
    WEEKDAY_DAY = "weekday_day", _("Weekdays, daytime")
    WEEKDAY_EVENING = "weekday_evening", _("Weekday evenings")
    WEEKEND = "weekend", _("Weekends")


class Employer(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector (NAICS)"), max_length=5, choices=Sector.choices)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices)
    locations = models.CharField(
        _("locations"), max_length=300, blank=True, help_text=_("Cities, separated by commas.")
    )
    website = models.URLField(_("website"), blank=True)
    description = I18nTextField(_("about the employer"), blank=True)
    # Set only by `services.employer_network_share`, with the employer's recorded consent:
    # who at the employer agreed, when, and which staff member recorded it.
    shared_with_network = models.BooleanField(
        _("the employer agrees to be shared with the other agencies of the network"),
        default=False,
    )
    network_consent_by = models.CharField(
        _("who at the employer agreed"), max_length=200, blank=True
    )
    network_consent_at = models.DateTimeField(_("agreed on"), null=True, blank=True)
    network_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class EmployerContact(models.Model):
    """A person acting for one employer; signs in with the employer role of the agency."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_contacts"
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("employer contact")
        verbose_name_plural = _("employer contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "user"], name="employer_contact_one_employer_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.employer}"


class JobPosting(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="postings")
    title = I18nCharField(_("job title"), max_length=200)
    description = I18nTextField(_("description"))
    noc_code = models.CharField(_("occupation (NOC 2021)"), max_length=5)
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province or territory"), max_length=2, blank=True)
    work_mode = models.CharField(
        _("where the work is done"), max_length=10, choices=WorkMode.choices
    )
    employment_type = models.CharField(
        _("type of employment"), max_length=12, choices=EmploymentType.choices
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )
    wage_min = models.DecimalField(
        _("minimum wage"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    wage_max = models.DecimalField(
        _("maximum wage"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    wage_unit = models.CharField(
        _("wage unit"), max_length=4, choices=WageUnit.choices, default=WageUnit.HOUR
    )
    min_clb_english = models.PositiveSmallIntegerField(
        _("English required (CLB)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    min_clb_french = models.PositiveSmallIntegerField(
        _("French required (CLB)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    closing_date = models.DateField(_("closing date"))
    status = models.CharField(
        _("status"), max_length=10, choices=PostingStatus.choices, default=PostingStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["closing_date", "id"]
        indexes = [models.Index(fields=["agency", "status", "closing_date"], name="posting_open")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wage_min__isnull=True)
                | models.Q(wage_max__isnull=True)
                | models.Q(wage_max__gte=models.F("wage_min")),
                name="posting_wage_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return str(self.title)

    def is_open_on(self, today: date) -> bool:
        return self.status == PostingStatus.PUBLISHED and self.closing_date >= today


class JobInterest(models.Model):
    """A client's interest in a posting; `shared_fields` is what the employer may see."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    posting = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="interests")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="job_interests"
    )
    shared_fields = models.JSONField(_("shared with the employer"), default=list)
    message = models.TextField(_("message to the employer"), blank=True, max_length=2000)
    consent_given_at = models.DateTimeField(_("consent given"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InterestStatus.choices,
        default=InterestStatus.INTERESTED,
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("interest in a job")
        verbose_name_plural = _("interests in jobs")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "client"], name="job_interest_once")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.posting_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == InterestStatus.WITHDRAWN


class HiringEvent(models.Model):
    """A hiring event is a programs session; this row adds the employers and their slots."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    session = models.OneToOneField(
        "programs.Session",
        on_delete=models.CASCADE,
        related_name="hiring_event",
        verbose_name=_("session"),
    )
    notes_for_employers = models.TextField(_("notes for employers"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("hiring event")
        verbose_name_plural = _("hiring events")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.session.title)


class EventEmployer(models.Model):
    """An employer taking part in a hiring event, at a table or in a breakout room."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(HiringEvent, on_delete=models.CASCADE, related_name="participants")
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="event_participations"
    )
    table = models.CharField(_("table"), max_length=60, blank=True)
    breakout_url = models.URLField(_("breakout room link"), max_length=500, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("participating employer")
        verbose_name_plural = _("participating employers")
        ordering = ["employer__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "employer"], name="event_employer_once")
        ]

    def __str__(self) -> str:
        return f"{self.employer} · {self.event_id}"


class TimeSlot(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(EventEmployer, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("people per slot"), default=1)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(fields=["participant", "starts_at"], name="slot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} · {self.starts_at:%Y-%m-%d %H:%M}"


class SlotBooking(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="bookings")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="slot_bookings"
    )
    share_profile = models.BooleanField(
        _("the employer may see my name and profile"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("slot booking")
        verbose_name_plural = _("slot bookings")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "client"],
                condition=models.Q(cancelled_at__isnull=True),
                name="slot_booking_once_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.slot_id}"


class MentorProfile(models.Model):
    """A volunteer mentor, usually from an employer. A mentor linked to an employer contact
    (`contact`) signs in with that login and sees only their own mentees."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(
        Employer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentors",
        verbose_name=_("employer"),
    )
    contact = models.OneToOneField(
        EmployerContact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentor_profile",
        verbose_name=_("signs in as"),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    noc_code = models.CharField(_("occupation (NOC 2021)"), max_length=5)
    sector = models.CharField(_("sector (NAICS)"), max_length=5, choices=Sector.choices, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    modes = models.JSONField(_("meets"), default=list)
    location_type = models.CharField(_("lives in"), max_length=10, blank=True)
    availability = models.JSONField(_("availability"), default=list)
    capacity = models.PositiveSmallIntegerField(
        _("mentees at a time"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class MenteeRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a mentor")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", _("Closed")


class MenteeRequest(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="mentee_requests"
    )
    noc_code = models.CharField(_("occupation (NOC 2021)"), max_length=5)
    languages = models.JSONField(_("languages"), default=list)
    modes = models.JSONField(_("meets"), default=list)
    location_type = models.CharField(_("lives in"), max_length=10, blank=True)
    availability = models.JSONField(_("availability"), default=list)
    notes = models.TextField(_("what I hope to get from a mentor"), blank=True, max_length=2000)
    # What the mentor may see of the client's profile besides the first name and this request.
    shared_fields = models.JSONField(_("shared with my mentor"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MenteeRequestStatus.choices,
        default=MenteeRequestStatus.OPEN,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("request for a mentor")
        verbose_name_plural = _("requests for a mentor")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=~models.Q(status="closed"),
                name="mentee_request_one_open_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.noc_code}"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Approved, under way")
    REJECTED = "rejected", _("Rejected")
    ENDED = "ended", _("Ended")


class MentoringMatch(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="matches")
    request = models.ForeignKey(MenteeRequest, on_delete=models.CASCADE, related_name="matches")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="mentoring_matches"
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("why this pair"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("mentoring match")
        verbose_name_plural = _("mentoring matches")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.mentor_id} · {self.client_id}"


class MentoringMeeting(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(MentoringMatch, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=10, choices=MatchMode.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")
        ordering = ["-met_on", "-id"]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.met_on}"


class FeedbackSide(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class MentoringFeedback(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(MentoringMatch, on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(_("from"), max_length=10, choices=FeedbackSide.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating (1 to 5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("mentoring feedback")
        verbose_name_plural = _("mentoring feedback")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.side}"
