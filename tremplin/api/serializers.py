"""What the API shows and accepts. Reads only: writes go through each app's services."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from i18nfield.strings import LazyI18nString
from rest_framework import serializers

from tremplin.clients.models import ArrivalStatus, Client
from tremplin.clients.reference import LANGUAGES
from tremplin.core.choices import DeliveryMode
from tremplin.employers.models import Employer, JobPosting, PostingStatus
from tremplin.learning.models import Course, Enrolment
from tremplin.messaging.models import OutboundMessage, OutboundStatus
from tremplin.outcomes.models import Outcome, OutcomeType
from tremplin.programs.models import (
    AttendanceMode,
    AttendanceStatus,
    Program,
    Registration,
    RegistrationStatus,
    ServiceElement,
    Session,
    SessionStatus,
)
from tremplin.surveys.models import QuestionType
from tremplin.surveys.models import Response as SurveyResponse

MAX_NAME = 150


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "The text in each language, by language code.",
    }
)
class I18nField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str]:
        data = value.data if isinstance(value, LazyI18nString) else value
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items() if v}
        return {"en": str(data)} if data else {}


def nested(parent: serializers.Serializer, kind: type[serializers.Serializer]) -> Any:
    """One nested serializer per parent serializer (a list shares one): building a
    ModelSerializer's fields for every row would cost more than the rows' queries."""
    made = parent.__dict__.setdefault("_nested", {})
    if kind not in made:
        made[kind] = kind(context=parent.context)
    return made[kind]


# ---------------------------------------------------------------------------------------------
# Programs and sessions


class ServiceElementSerializer(serializers.ModelSerializer):
    title = I18nField()

    class Meta:
        model = ServiceElement
        fields = ["id", "service_type", "title", "position"]


class ProgramSummarySerializer(serializers.ModelSerializer):
    title = I18nField()

    class Meta:
        model = Program
        fields = ["id", "title", "is_published"]


class ProgramSerializer(serializers.ModelSerializer):
    title = I18nField()
    description = I18nField()
    elements = ServiceElementSerializer(many=True, read_only=True)
    template_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "title",
            "description",
            "is_published",
            "template_id",
            "eligible_immigration_categories",
            "pre_arrival_allowed",
            "pre_arrival_only",
            "eligible_location_types",
            "elements",
            "created_at",
        ]


class SeatsSerializer(serializers.Serializer):
    offered = serializers.BooleanField()
    capacity = serializers.IntegerField(min_value=0)
    confirmed = serializers.IntegerField(min_value=0)
    waitlisted = serializers.IntegerField(min_value=0)
    left = serializers.IntegerField(min_value=0)


class SessionSeatsSerializer(serializers.Serializer):
    in_person = SeatsSerializer()
    online = SeatsSerializer()


def _seats(session: Session) -> dict[str, dict[str, Any]]:
    seats = {}
    for mode in AttendanceMode.values:
        confirmed = getattr(session, f"confirmed_{mode}", 0)
        seats[mode] = {
            "offered": mode in session.modes,
            "capacity": session.capacity(mode),
            "confirmed": confirmed,
            "waitlisted": getattr(session, f"waitlisted_{mode}", 0),
            "left": max(0, session.capacity(mode) - confirmed),
        }
    return seats


class LocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = I18nField()
    kind = serializers.CharField()
    city = serializers.CharField()


class SessionSummarySerializer(serializers.ModelSerializer):
    title = I18nField()

    class Meta:
        model = Session
        fields = ["id", "title", "starts_at", "ends_at", "delivery_mode", "status"]


class SessionSerializer(serializers.ModelSerializer):
    title = I18nField()
    program_id = serializers.IntegerField(source="element.program_id", read_only=True)
    element_id = serializers.IntegerField(read_only=True)
    location = LocationSerializer(read_only=True, allow_null=True)
    seats = serializers.SerializerMethodField()
    program = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "program_id",
            "element_id",
            "title",
            "topic",
            "starts_at",
            "ends_at",
            "delivery_mode",
            "language",
            "status",
            "location",
            "registration_opens_at",
            "registration_closes_at",
            "waitlist_enabled",
            "seats",
            "program",
        ]

    @extend_schema_field(SessionSeatsSerializer)
    def get_seats(self, session: Session) -> dict[str, Any]:
        return _seats(session)

    @extend_schema_field(ProgramSummarySerializer(allow_null=True))
    def get_program(self, session: Session) -> dict[str, Any] | None:
        if "program" not in self.context.get("expand", ()):
            return None
        return nested(self, ProgramSummarySerializer).to_representation(session.element.program)


# ---------------------------------------------------------------------------------------------
# Clients

# Shown only to tokens with the "personal" scope.
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_date",
    "expected_arrival_date",
    "arrival_date",
    "destination",
    "postal_area",
    "employment_goal",
)
PUBLIC_CLIENT_FIELDS = (
    "id",
    "preferred_language",
    "arrival_status",
    "immigration_category",
    "education_level",
    "education_country",
    "noc_code",
    "years_experience",
    "location_type",
    "intake_completed_at",
    "created_at",
)


class ClientSerializer(serializers.ModelSerializer):
    """Personal fields are left out unless the context says `personal`."""

    class Meta:
        model = Client
        fields = list(PUBLIC_CLIENT_FIELDS + PERSONAL_FIELDS)  # output only (see views)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if not self.context.get("personal"):
            for name in PERSONAL_FIELDS:
                fields.pop(name, None)
        return fields


class ClientCreateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=MAX_NAME, trim_whitespace=True)
    last_name = serializers.CharField(max_length=MAX_NAME, trim_whitespace=True)
    email = serializers.EmailField(required=False, allow_blank=True, default="", max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    preferred_language = serializers.ChoiceField(
        choices=sorted(LANGUAGES), required=False, default="en"
    )


class ClientFilterSerializer(serializers.Serializer):
    arrival_status = serializers.ChoiceField(choices=ArrivalStatus.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)


# ---------------------------------------------------------------------------------------------
# Registrations


class RegistrationSerializer(serializers.ModelSerializer):
    session_id = serializers.IntegerField(read_only=True)
    client_id = serializers.IntegerField(read_only=True)
    session = serializers.SerializerMethodField()
    client = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "session_id",
            "client_id",
            "mode",
            "status",
            "waitlist_position",
            "channel",
            "created_at",
            "cancelled_at",
            "promoted_at",
            "attendance",
            "attended_mode",
            "checked_in_at",
            "check_in_method",
            "session",
            "client",
        ]

    @extend_schema_field(SessionSummarySerializer(allow_null=True))
    def get_session(self, registration: Registration) -> dict[str, Any] | None:
        if "session" not in self.context.get("expand", ()):
            return None
        return nested(self, SessionSummarySerializer).to_representation(registration.session)

    @extend_schema_field(ClientSerializer(allow_null=True))
    def get_client(self, registration: Registration) -> dict[str, Any] | None:
        if "client" not in self.context.get("expand", ()):
            return None
        return nested(self, ClientSerializer).to_representation(registration.client)


class RegistrationCreateSerializer(serializers.Serializer):
    session_id = serializers.IntegerField(min_value=1, max_value=2**62)
    client_id = serializers.IntegerField(min_value=1, max_value=2**62)
    mode = serializers.ChoiceField(choices=AttendanceMode.choices)


class SwitchModeSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=AttendanceMode.choices)


class AttendanceSerializer(serializers.Serializer):
    attendance = serializers.ChoiceField(
        choices=[
            (AttendanceStatus.ATTENDED, _("Attended")),
            (AttendanceStatus.NO_SHOW, _("No-show")),
            ("unknown", _("Not recorded")),
        ]
    )


class RegistrationFilterSerializer(serializers.Serializer):
    session = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    client = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    status = serializers.ChoiceField(choices=RegistrationStatus.choices, required=False)
    expand = serializers.MultipleChoiceField(
        choices=["session", "client"], required=False, help_text="session, client"
    )


class SessionFilterSerializer(serializers.Serializer):
    program = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    mode = serializers.ChoiceField(choices=DeliveryMode.choices, required=False)
    status = serializers.ChoiceField(choices=SessionStatus.choices, required=False)
    starts_after = serializers.DateTimeField(required=False)
    starts_before = serializers.DateTimeField(required=False)
    expand = serializers.MultipleChoiceField(choices=["program"], required=False)


# ---------------------------------------------------------------------------------------------
# Learning


class CourseSerializer(serializers.ModelSerializer):
    title = I18nField()
    summary = I18nField()
    is_network_course = serializers.BooleanField(read_only=True)
    translation_of_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "uuid",
            "title",
            "summary",
            "audience",
            "language",
            "estimated_minutes",
            "is_network_course",
            "translation_of_id",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(read_only=True)
    client_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "course_id",
            "client_id",
            "created_at",
            "last_activity_at",
            "percent_complete",
            "time_spent_seconds",
            "completed_at",
        ]


class EnrolmentFilterSerializer(serializers.Serializer):
    course = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    client = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    completed = serializers.BooleanField(required=False, allow_null=True, default=None)


# ---------------------------------------------------------------------------------------------
# Network


class AgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = I18nField()
    province = serializers.CharField()
    time_zone = serializers.CharField()


class LearningAggregateSerializer(serializers.Serializer):
    agency = serializers.SlugField(source="agency.slug")
    learners = serializers.IntegerField()
    enrolments = serializers.IntegerField()
    completed = serializers.IntegerField()
    active_recently = serializers.IntegerField()
    completion_rate = serializers.IntegerField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="A stable code, e.g. not_found, invalid, full.")
    message = serializers.CharField(help_text="In the language of Accept-Language.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field name.",
    )


# ---------------------------------------------------------------------------------------------
# Outcomes, survey responses, messages, employers (read only)


class PersonalMixin:
    """Fields in `personal_fields` are left out unless the context says `personal`."""

    personal_fields: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # type: ignore[misc]
        if not self.context.get("personal"):  # type: ignore[attr-defined]
            for name in self.personal_fields:
                fields.pop(name, None)
        return fields


class OutcomeSerializer(PersonalMixin, serializers.ModelSerializer):
    personal_fields = ("notes",)
    client_id = serializers.IntegerField(read_only=True)
    program_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Outcome
        fields = [
            "id",
            "client_id",
            "outcome_type",
            "program_id",
            "employer_name",
            "noc_code",
            "start_date",
            "employment_type",
            "hours_per_week",
            "wage_band",
            "in_field",
            "school_name",
            "left_reason",
            "source",
            "follow_up_months",
            "recorded_on",
            "created_at",
            "notes",
        ]


class OutcomeFilterSerializer(serializers.Serializer):
    client = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    outcome_type = serializers.ChoiceField(choices=OutcomeType.choices, required=False)
    recorded_since = serializers.DateField(required=False)


# Free text may say anything about the person: it is personal data, like a message's text or an
# outcome's notes. Every other answer type is a code, a number, a date or a choice.
PERSONAL_QUESTION_TYPES = frozenset({QuestionType.TEXT})


class SurveyAnswerSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(read_only=True)
    question = serializers.CharField(
        read_only=True, help_text="The question's name in the survey (its XLSForm `name`)."
    )
    type = serializers.ChoiceField(choices=QuestionType.choices, read_only=True)
    value = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text=(
            "A string (single choice, free text, date as YYYY-MM-DD), a list of strings "
            "(multiple choice), a number (likert 1–5, nps 0–10, number) or a boolean (yes/no); "
            "null when withheld."
        ),
    )
    withheld = serializers.BooleanField(
        read_only=True,
        help_text="True for a free-text answer read without the `personal` scope: its value "
        "is null.",
    )


class SurveyResponseSerializer(serializers.ModelSerializer):
    """A response and its answers. Anonymous responses never name anyone (no client id, the day
    only); free-text answers are personal data: their value needs the `personal` scope."""

    survey_id = serializers.IntegerField(read_only=True)
    client_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Always null for an anonymous response."
    )
    program_id = serializers.IntegerField(read_only=True, allow_null=True)
    course_id = serializers.IntegerField(read_only=True, allow_null=True)
    answers = serializers.SerializerMethodField(
        help_text="In the survey's order. Free-text answers are withheld (value null) without "
        "the `personal` scope."
    )

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "survey_id",
            "is_anonymous",
            "client_id",
            "submitted_at",
            "program_id",
            "course_id",
            "delivery_mode",
            "location_type",
            "arrival_status",
            "language",
            "follow_up_months",
            "answers",
        ]

    @extend_schema_field(SurveyAnswerSerializer(many=True))
    def get_answers(self, response: SurveyResponse) -> list[dict[str, Any]]:
        personal = bool(self.context.get("personal"))
        shown = []
        for answer in response.answers.all():  # prefetched with the questions (selectors)
            question = answer.question
            withheld = question.question_type in PERSONAL_QUESTION_TYPES and not personal
            shown.append(
                {
                    "question_id": question.pk,
                    "question": question.name,
                    "type": question.question_type,
                    "value": None if withheld else answer.value,
                    "withheld": withheld,
                }
            )
        return shown


class SurveyResponseFilterSerializer(serializers.Serializer):
    survey = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    submitted_since = serializers.DateTimeField(required=False)


class MessageSerializer(PersonalMixin, serializers.ModelSerializer):
    personal_fields = ("to", "subject", "text")
    client_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = OutboundMessage
        fields = [
            "id",
            "client_id",
            "message_type",
            "channel",
            "language",
            "status",
            "attempts",
            "created_at",
            "sent_at",
            "delivered_at",
            "to",
            "subject",
            "text",
        ]


class MessageFilterSerializer(serializers.Serializer):
    client = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    status = serializers.ChoiceField(choices=OutboundStatus.choices, required=False)


class EmployerSerializer(serializers.ModelSerializer):
    description = I18nField()

    class Meta:
        model = Employer
        fields = [
            "id",
            "name",
            "sector",
            "size_band",
            "locations",
            "website",
            "description",
            "shared_with_network",
            "created_at",
        ]


class JobPostingSerializer(serializers.ModelSerializer):
    employer_id = serializers.IntegerField(read_only=True)
    title = I18nField()
    description = I18nField()

    class Meta:
        model = JobPosting
        fields = [
            "id",
            "employer_id",
            "title",
            "description",
            "noc_code",
            "city",
            "province",
            "work_mode",
            "employment_type",
            "hours_per_week",
            "wage_min",
            "wage_max",
            "wage_unit",
            "min_clb_english",
            "min_clb_french",
            "closing_date",
            "status",
            "published_at",
        ]


class JobPostingFilterSerializer(serializers.Serializer):
    employer = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    status = serializers.ChoiceField(choices=PostingStatus.choices, required=False)
