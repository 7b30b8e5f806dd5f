"""The client record and what hangs off it: languages, assessments, needs, referrals, consent, notes.

Every row below belongs to one agency (denormalised `agency` FK + ScopedManager), so every
query is scoped and indexable without joining through Client.

Languages spoken are child rows (`ClientLanguage`) rather than JSON so that reports can ask
"clients with CLB 4 or less in English" in SQL.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from tremplin.core.choices import DeliveryMode


class ArrivalStatus(models.TextChoices):
    PRE_ARRIVAL = "pre_arrival", _("Pre-arrival (approved, not yet in Canada)")
    ARRIVED = "arrived", _("Arrived in Canada")


class ImmigrationCategory(models.TextChoices):
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident")
    PROTECTED_PERSON = "protected_person", _("Protected person / refugee")
    TEMPORARY_WORKER = "temporary_worker", _("Temporary resident: work permit")
    TEMPORARY_STUDENT = "temporary_student", _("Temporary resident: study permit")
    TEMPORARY_VISITOR = "temporary_visitor", _("Temporary resident: visitor")
    TEMPORARY_OTHER = "temporary_other", _("Temporary resident: other")
    CITIZEN = "citizen", _("Canadian citizen")
    OTHER = "other", _("Other")


class LocationType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    REMOTE = "remote", _("Remote")


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person at the agency")


class DigitalLevel(models.TextChoices):
    LIMITED = "limited", _("Limited")
    BASIC = "basic", _("Basic")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class EducationLevel(models.TextChoices):
    NONE = "none", _("No formal schooling")
    PRIMARY = "primary", _("Primary school")
    SECONDARY = "secondary", _("Secondary school")
    TRADE = "trade", _("Trade certificate or apprenticeship")
    COLLEGE = "college", _("College diploma")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


class Proficiency(models.TextChoices):
    """Self-reported level for languages other than English and French (which use CLB)."""

    BASIC = "basic", _("Basic")
    CONVERSATIONAL = "conversational", _("Conversational")
    FLUENT = "fluent", _("Fluent")
    NATIVE = "native", _("First language")


class Need(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    LANGUAGE = "language", _("Language training")
    CREDENTIALS = "credentials", _("Credential recognition")
    CHILDCARE = "childcare", _("Childcare")
    TRANSPORTATION = "transportation", _("Transportation")
    DIGITAL_SKILLS = "digital_skills", _("Digital skills")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    HOUSING = "housing", _("Housing")
    FINANCIAL = "financial", _("Income and finances")
    LEGAL = "legal", _("Legal and immigration")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ReferralKind(models.TextChoices):
    INTERNAL = "internal", _("Program of this agency")
    EXTERNAL = "external", _("External organisation")


class ReferralStatus(models.TextChoices):
    MADE = "made", _("Made")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")


class ConsentPurpose(models.TextChoices):
    SERVICE_DELIVERY = "service_delivery", _("Service delivery")
    CONTACT_EMAIL = "contact_email", _("Contact by email")
    CONTACT_SMS = "contact_sms", _("Contact by text message")
    CONTACT_WHATSAPP = "contact_whatsapp", _("Contact by WhatsApp")
    CONTACT_PHONE = "contact_phone", _("Contact by phone")
    ANONYMOUS_REPORTING = "anonymous_reporting", _("Anonymous use in reports")
    SHARE_WITH_EMPLOYERS = "share_with_employers", _("Sharing my profile with employers")


# The consent a remote channel needs before anyone may contact a client through it.
CHANNEL_CONSENT: dict[str, str] = {
    ContactChannel.EMAIL: ConsentPurpose.CONTACT_EMAIL,
    ContactChannel.SMS: ConsentPurpose.CONTACT_SMS,
    ContactChannel.WHATSAPP: ConsentPurpose.CONTACT_WHATSAPP,
    ContactChannel.PHONE: ConsentPurpose.CONTACT_PHONE,
}


# The profile a person gives at intake, in form order: what client_update() may change, what
# a merge fills in from a duplicate, and what an access request exports.
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_date",
    "preferred_language",
    "arrival_status",
    "expected_arrival_date",
    "destination",
    "arrival_date",
    "immigration_category",
    "education_level",
    "education_country",
    "noc_code",
    "years_experience",
    "employment_goal",
    "location_type",
    "postal_area",
)


class Client(models.Model):
    """A person the agency serves. Linked to a login when they signed up themselves."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="clients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_records",
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counselled_clients",
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("Stored in E.164 form.")
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=12, default="en")
    preferred_channels = models.JSONField(
        _("preferred contact channels"),
        default=list,
        blank=True,
        help_text=_("ContactChannel codes, most preferred first."),
    )
    arrival_status = models.CharField(
        _("arrival status"),
        max_length=20,
        choices=ArrivalStatus.choices,
        default=ArrivalStatus.ARRIVED,
    )
    expected_arrival_date = models.DateField(_("expected arrival date"), null=True, blank=True)
    destination = models.CharField(_("destination in Canada"), max_length=120, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    immigration_category = models.CharField(
        _("immigration category"), max_length=30, choices=ImmigrationCategory.choices, blank=True
    )
    education_level = models.CharField(
        _("highest education"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    education_country = models.CharField(_("country of education"), max_length=2, blank=True)
    noc_code = models.CharField(_("occupation (NOC 2021)"), max_length=5, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    employment_goal = models.TextField(_("employment goal"), blank=True)
    location_type = models.CharField(
        _("location type"), max_length=10, choices=LocationType.choices, blank=True
    )
    postal_area = models.CharField(
        _("postal-code area"),
        max_length=3,
        blank=True,
        help_text=_("First three characters of the postal code."),
    )
    intake_completed_at = models.DateTimeField(_("intake completed"), null=True, blank=True)
    # Maintained by the services: names, email and phone digits, unaccented and lowercase, so
    # that search is accent- and case-insensitive on every database with a plain LIKE.
    search_text = models.CharField(max_length=600, blank=True, editable=False)
    # Pointers to the newest assessments, maintained by the services, for list filters.
    latest_assessment = models.ForeignKey(
        "clients.DigitalAssessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    latest_needs_assessment = models.ForeignKey(
        "clients.NeedsAssessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "user"],
                condition=models.Q(user__isnull=False),
                name="client_one_record_per_user",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "email"]),
            models.Index(fields=["agency", "phone"]),
            # Duplicate checks compare emails in any case (email__iexact is UPPER() = UPPER()).
            models.Index("agency", Upper("email"), name="client_agency_email_ci"),
            # The staff list's order: a page of 50 is read from the index, not sorted from all.
            models.Index(
                fields=["agency", "last_name", "first_name", "id"], name="client_agency_name"
            ),
        ]
        # On PostgreSQL a trigram index serves the staff search's `search_text LIKE '%word%'`
        # (migration 0004); SQLite scans, which is fine at one agency's size.

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ClientLanguage(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=12)
    clb_level = models.PositiveSmallIntegerField(
        _("CLB level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    proficiency = models.CharField(
        _("level"), max_length=20, choices=Proficiency.choices, blank=True
    )

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "language"], name="client_language_once")
        ]

    def __str__(self) -> str:
        return self.language


class DigitalAssessment(models.Model):
    """One answer sheet of the digital access and literacy questionnaire; re-assessing adds a row."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="digital_assessments")
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score"))
    level = models.CharField(_("level"), max_length=20, choices=DigitalLevel.choices)
    recommended_mode = models.CharField(
        _("recommended mode"), max_length=20, choices=DeliveryMode.choices
    )
    recommended_channels = models.JSONField(_("recommended channels"), default=list)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("digital assessment")
        verbose_name_plural = _("digital assessments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_recommended_mode_display()}"


class NeedsAssessment(models.Model):
    """A counsellor's assessment of a client's needs at one date; its needs are `ClientNeed` rows."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="needs_assessments")
    notes = models.TextField(_("notes"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.created_at:%Y-%m-%d}"


class ClientNeed(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="needs")
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(_("need"), max_length=30, choices=Need.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "need"], name="client_need_once_per_assessment"
            )
        ]

    def __str__(self) -> str:
        return self.get_need_display()


class Referral(models.Model):
    """A referral to a program of the agency (named, with an optional FK-less reference) or elsewhere."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("referred to"), max_length=10, choices=ReferralKind.choices)
    need = models.CharField(_("for the need"), max_length=30, choices=Need.choices, blank=True)
    to_name = models.CharField(_("program or organisation"), max_length=200)
    # e.g. "programs.program:12" for an internal program; free text so this app needs no FK.
    program_ref = models.CharField(_("program reference"), max_length=80, blank=True)
    contact = models.CharField(_("contact person or details"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.MADE
    )
    made_on = models.DateField(_("made on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    declined_on = models.DateField(_("declined on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return self.to_name


class ConsentText(models.Model):
    """The wording a person agrees to, versioned per purpose; deployment-wide, in English and French."""

    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    title = I18nCharField(_("title"), max_length=200)
    body = I18nTextField(_("text"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="consent_text_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version}"


class ConsentRecord(models.Model):
    """One giving or withdrawal of consent; the newest record per purpose is the current state."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consent_records")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="records")
    given = models.BooleanField(_("given"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["client", "purpose", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.purpose}: {'given' if self.given else 'withdrawn'}"


class CaseNote(models.Model):
    """Staff-only note on a client; only its author edits it, and every edit keeps the old text."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="case_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.created_at:%Y-%m-%d}"


class CaseNoteRevision(models.Model):
    """The text a case note had before an edit."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("previous text"))
    replaced_at = models.DateTimeField(_("replaced"), auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("case note revision")
        verbose_name_plural = _("case note revisions")
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.note_id} · {self.replaced_at:%Y-%m-%d %H:%M}"
