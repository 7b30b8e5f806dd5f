"""Surveys (built in the staff area, imported from XLSForm, or adopted from network templates),
invitations by single-use link, responses and their answers, and the schedule of invitations
to send (end-of-program surveys and 3/6/12-month follow-ups).

Skip logic is data: `Section.relevance` and `Question.relevance` hold a rule of the small typed
rule language of `rules.py` (validated when saved, evaluated without `eval`).

Anonymous responses: a `Response` of an anonymous survey has no client, no invitation and no
user; it keeps only cohort fields copied at invitation time, its id is a random UUID and its
date is the day only, so nothing in the stored rows leads back to the person.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from tremplin.core.choices import DeliveryMode


class SurveyKind(models.TextChoices):
    CUSTOM = "custom", _("Survey")
    END_OF_PROGRAM = "end_of_program", _("End-of-program survey")
    STAFF_VIRTUAL = "staff_virtual", _("Staff survey on virtual delivery")
    FOLLOW_UP = "follow_up", _("Employment follow-up")


class Audience(models.TextChoices):
    CLIENTS = "clients", _("Clients")
    STAFF = "staff", _("Staff")


class QuestionType(models.TextChoices):
    LIKERT = "likert", _("Agreement scale (1 to 5)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    YES_NO = "yes_no", _("Yes or no")
    NUMBER = "number", _("Number")
    NPS = "nps", _("Recommendation score (0 to 10)")
    DATE = "date", _("Date")
    TEXT = "text", _("Free text")


class Survey(models.Model):
    """A survey of one agency, or a network template (`agency` empty) that agencies adopt."""

    network = models.ForeignKey("agencies.Network", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    template = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
        verbose_name=_("network template"),
    )
    # Stable name of a shipped template ("end_of_program", …); empty for agency surveys.
    template_key = models.CharField(max_length=40, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SurveyKind.choices, default=SurveyKind.CUSTOM
    )
    audience = models.CharField(
        _("who answers"), max_length=10, choices=Audience.choices, default=Audience.CLIENTS
    )
    title = I18nCharField(_("title"), max_length=200)
    description = I18nTextField(_("introduction"), blank=True)
    # Languages the texts are written in; English and French always, others may be added.
    languages = models.JSONField(_("languages"), default=list)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Responses keep no link to the person, only their cohort."),
    )
    is_active = models.BooleanField(_("open for responses"), default=True)
    # The XLSForm form_id when the survey was imported (kept for the export).
    form_id = models.CharField(_("form id"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "template_key"],
                condition=models.Q(agency__isnull=True) & ~models.Q(template_key=""),
                name="survey_template_key_once",
            )
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_template(self) -> bool:
        return self.agency_id is None


class Section(models.Model):
    """A page of a survey: respondents see one section at a time."""

    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.SlugField(_("name"), max_length=64)
    title = I18nCharField(_("title"), max_length=200, blank=True)
    relevance = models.JSONField(_("shown only when"), null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["survey", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "name"], name="section_name_once")]

    def __str__(self) -> str:
        return str(self.title) or self.name


class Question(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # The XLSForm `name`: letters, digits and underscores, unique in the survey.
    name = models.CharField(_("name"), max_length=64)
    question_type = models.CharField(_("type"), max_length=10, choices=QuestionType.choices)
    label = I18nTextField(_("question"))
    hint = I18nTextField(_("hint"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    # [{"value": "internet", "label": {"en": "Internet", "fr": "Internet"}}, …] for choice types.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    min_value = models.FloatField(_("smallest number"), null=True, blank=True)
    max_value = models.FloatField(_("largest number"), null=True, blank=True)
    relevance = models.JSONField(_("shown only when"), null=True, blank=True)
    # For follow-up surveys: which outcome field this answer fills (see outcomes/services.py).
    outcome_field = models.CharField(_("fills the outcome field"), max_length=30, blank=True)
    # For the staff survey: the programs ServiceType this question rates.
    service_type = models.CharField(_("service element type"), max_length=20, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="question_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class SurveySettings(models.Model):
    """An agency's choices for automatic invitations."""

    class FollowUpBasis(models.TextChoices):
        COMPLETION = "completion", _("The completion date")
        HIRE = "hire", _("The start date of a recorded hire")

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="survey_settings"
    )
    end_of_program_survey = models.ForeignKey(
        Survey,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("end-of-program survey"),
    )
    follow_up_survey = models.ForeignKey(
        Survey,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("employment follow-up survey"),
    )
    follow_up_basis = models.CharField(
        _("follow-ups count from"),
        max_length=12,
        choices=FollowUpBasis.choices,
        default=FollowUpBasis.COMPLETION,
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("reminder after (days, 0 for none)"), default=7
    )
    valid_days = models.PositiveSmallIntegerField(_("links expire after (days)"), default=30)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return f"{self.agency_id}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not opened")
    OPENED = "opened", _("Opened")
    PARTIAL = "partial", _("Partly answered")
    COMPLETED = "completed", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")


class InvitationTrigger(models.TextChoices):
    MANUAL = "manual", _("Sent by staff")
    PROGRAM_COMPLETION = "program_completion", _("Program completed")
    COURSE_COMPLETION = "course_completion", _("Course completed")
    FOLLOW_UP = "follow_up", _("Follow-up")


class CohortFields(models.Model):
    """What the dashboards may know of a respondent, decided at invitation time."""

    # Coded facts the dashboards count: an erasure (tremplin/privacy) keeps them.
    PRIVACY_KEEP_FIELDS = ("location_type", "arrival_status", "language")

    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("program"),
    )
    course = models.ForeignKey(
        "learning.Course",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("course"),
    )
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=10, choices=DeliveryMode.choices, blank=True
    )
    location_type = models.CharField(_("location type"), max_length=10, blank=True)
    arrival_status = models.CharField(_("arrival status"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=12, default="en")
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up (months after exit)"), null=True, blank=True
    )

    class Meta:
        abstract = True


class Invitation(CohortFields):
    """One person invited to answer one survey through a single-use link (`token`).

    What they answered so far lives in `draft` (so a partly filled survey resumes, and an
    anonymous survey's answers never sit in a row linked to the person); the final submit
    writes one `Response` and marks the invitation completed, under a row lock.
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    # For staff surveys: the staff member invited.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    trigger = models.CharField(
        _("reason"), max_length=20, choices=InvitationTrigger.choices, default="manual"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    draft = models.JSONField(default=dict, blank=True)
    page = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(_("sent by"), max_length=20, blank=True)
    send_error = models.CharField(_("sending problem"), max_length=300, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    completed_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "survey", "status"]),
            models.Index(fields=["status", "reminded_at", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.client_id or self.user_id}"


class Response(CohortFields):
    """One final response. Identified: `client` (or `user` for staff) and `invitation` set.
    Anonymous: all three empty, `submitted_at` kept to the day, random UUID id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="survey_responses"
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    submitted_at = models.DateTimeField(_("submitted"))

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["agency", "survey", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_anonymous=True)
                | (
                    models.Q(client__isnull=True)
                    & models.Q(user__isnull=True)
                    & models.Q(invitation__isnull=True)
                ),
                name="response_anonymous_has_no_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.submitted_at:%Y-%m-%d}"


class Answer(models.Model):
    """One answer. `value`: str (single, text, date ISO), list of str (multiple), number, bool;
    `number`: the numeric value for likert/nps/number (and 1/0 for yes/no), for aggregates."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()
    number = models.FloatField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__section__position", "question__position", "id"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.question_id}"


class ScheduleStatus(models.TextChoices):
    PENDING = "pending", _("Scheduled")
    SENT = "sent", _("Invitation sent")
    SKIPPED = "skipped", _("Skipped")


class FollowUpSchedule(models.Model):
    """An invitation to send at `due_at`: the end-of-program survey (`months` 0) or the
    follow-up at 3, 6 or 12 months after `exit_date`. The periodic task sends what is due;
    rows stay in the database, so a restart of the worker loses none."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="survey_schedule"
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="schedule")
    completion = models.ForeignKey(
        "outcomes.Completion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedule",
    )
    # Set instead of `completion` when the agency counts follow-ups from a recorded hire.
    outcome = models.ForeignKey(
        "outcomes.Outcome",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedule",
    )
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    course = models.ForeignKey(
        "learning.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    months = models.PositiveSmallIntegerField(_("months after exit"))
    exit_date = models.DateField(_("exit date"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ScheduleStatus.choices, default=ScheduleStatus.PENDING
    )
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="schedule"
    )
    note = models.CharField(max_length=300, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("scheduled invitation")
        verbose_name_plural = _("scheduled invitations")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["completion", "months"],
                condition=models.Q(completion__isnull=False),
                name="schedule_once_per_completion_and_wave",
            ),
            models.UniqueConstraint(
                fields=["outcome", "months"],
                condition=models.Q(outcome__isnull=False),
                name="schedule_once_per_hire_and_wave",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · +{self.months} · {self.due_at:%Y-%m-%d}"
