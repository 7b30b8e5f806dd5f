"""What became of clients: completions (the exit that starts follow-ups) and outcomes.

`Completion` is one client finishing one program (every service element attended) or one course;
its `completed_on` is the exit date the 3/6/12-month follow-ups count from (unless the agency
counts from a recorded hire, see surveys.SurveySettings).

`Outcome` rows are a history: staff record them, a follow-up survey response creates or updates
one (`source`), the employers app may record hires. Every write goes through services.py and
is audited like other client data.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class CompletionKind(models.TextChoices):
    PROGRAM = "program", _("Program completed")
    COURSE = "course", _("Course completed")


class Completion(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="completions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CompletionKind.choices)
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    course = models.ForeignKey(
        "learning.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_on = models.DateField(_("completed on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "program"],
                condition=models.Q(program__isnull=False),
                name="completion_once_per_program",
            ),
            models.UniqueConstraint(
                fields=["client", "course"],
                condition=models.Q(course__isnull=False),
                name="completion_once_per_course",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.kind} · {self.completed_on}"


class OutcomeType(models.TextChoices):
    HIRED = "hired", _("Hired")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    SCHOOL = "school", _("Started school or training")
    NOT_EMPLOYED = "not_employed", _("Not employed yet")
    LEFT = "left", _("Left the program")


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")


class WageBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under $18 an hour")
    FROM_18_TO_22 = "18_22", _("$18 to $22 an hour")
    FROM_22_TO_28 = "22_28", _("$22 to $28 an hour")
    FROM_28_TO_35 = "28_35", _("$28 to $35 an hour")
    OVER_35 = "over_35", _("Over $35 an hour")


class LeftReason(models.TextChoices):
    FOUND_WORK = "found_work", _("Found work")
    MOVED = "moved", _("Moved away")
    FAMILY = "family", _("Family or health reasons")
    CHILDCARE = "childcare", _("No childcare")
    TRANSPORT = "transport", _("Transportation")
    TECHNOLOGY = "technology", _("Internet or device problems")
    NOT_SUITABLE = "not_suitable", _("The program did not suit them")
    UNKNOWN = "unknown", _("Unknown")
    OTHER = "other", _("Other")


class OutcomeSource(models.TextChoices):
    STAFF = "staff", _("Recorded by staff")
    SURVEY = "survey", _("Follow-up survey")
    EMPLOYER = "employer", _("Employer")


class Outcome(models.Model):
    # A coded fact the dashboards count: an erasure (tremplin/privacy) keeps it.
    PRIVACY_KEEP_FIELDS = ("noc_code",)

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="outcomes")
    outcome_type = models.CharField(_("outcome"), max_length=20, choices=OutcomeType.choices)
    # The program (if any) the outcome is credited to, for dashboards.
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("program"),
    )
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    # e.g. "employers.employer:12" when the employers app knows the employer; free text, no FK.
    employer_ref = models.CharField(_("employer reference"), max_length=80, blank=True)
    noc_code = models.CharField(_("occupation (NOC 2021)"), max_length=5, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    employment_type = models.CharField(
        _("full or part time"), max_length=10, choices=EmploymentType.choices, blank=True
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )
    wage_band = models.CharField(
        _("wage band"), max_length=10, choices=WageBand.choices, blank=True
    )
    in_field = models.BooleanField(_("in their field of training"), null=True, blank=True)
    school_name = models.CharField(_("school or training"), max_length=200, blank=True)
    left_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=LeftReason.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=OutcomeSource.choices, default=OutcomeSource.STAFF
    )
    # The identified survey response it came from (never an anonymous one: those have no client).
    response = models.ForeignKey(
        "surveys.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up (months after exit)"), null=True, blank=True
    )
    recorded_on = models.DateField(_("date of the information"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-recorded_on", "-id"]
        indexes = [
            models.Index(fields=["agency", "outcome_type", "recorded_on"]),
            models.Index(fields=["client", "-recorded_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_type_display()} · {self.recorded_on}"
