from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nForm, I18nFormField, I18nModelForm, I18nTextInput

from tremplin.agencies.models import Agency, Location, LocationKind
from tremplin.agencies.roles import STAFF_ROLES
from tremplin.clients.models import ImmigrationCategory, LocationType
from tremplin.ops.uploads import check_recording_upload
from tremplin.programs.models import (
    AttendanceMode,
    DeliveryMode,
    Program,
    ServiceElement,
    ServiceType,
    Session,
    SessionLanguage,
)
from tremplin.programs.services import MAX_SERIES_OCCURRENCES, SessionDetails

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ANY = [("", _("Any"))]


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters (GET). Invalid values are dropped, never an error page."""

    service_type = forms.ChoiceField(
        label=_("Type"), choices=ANY + ServiceType.choices, required=False
    )
    mode = forms.ChoiceField(
        label=_("How"),
        required=False,
        choices=ANY
        + [
            (AttendanceMode.IN_PERSON, _("In person")),
            (AttendanceMode.ONLINE, _("Online")),
            (DeliveryMode.HYBRID, _("Hybrid")),
        ],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=ANY + [("en", _("English")), ("fr", _("French"))],
        required=False,
    )
    location_kind = forms.ChoiceField(
        label=_("Where"), choices=ANY + LocationKind.choices, required=False
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)

    def filters(self, *, time_zone: str) -> dict[str, Any]:
        """Keyword arguments for `session_list_upcoming` from the valid fields only."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        zone = ZoneInfo(time_zone)
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        return {
            "service_type": data.get("service_type") or None,
            "mode": data.get("mode") or None,
            "language": data.get("language") or None,
            "location_kind": data.get("location_kind") or None,
            "topic": data.get("topic") or None,
            "start": datetime.combine(start, time.min, zone) if start else None,
            # The end date is included: sessions starting before the next midnight.
            "end": datetime.combine(end + timedelta(days=1), time.min, zone)
            if end and end < date.max
            else None,
        }


class ProgramForm(I18nModelForm):
    eligible_immigration_categories = forms.MultipleChoiceField(
        label=_("Immigration categories served"),
        choices=ImmigrationCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to serve every category."),
    )
    eligible_location_types = forms.MultipleChoiceField(
        label=_("Places where clients live"),
        choices=LocationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to serve clients wherever they live."),
    )

    class Meta:
        model = Program
        fields = [
            "title",
            "description",
            "is_published",
            "eligible_immigration_categories",
            "pre_arrival_allowed",
            "pre_arrival_only",
            "eligible_location_types",
        ]


class ServiceElementForm(I18nModelForm):
    class Meta:
        model = ServiceElement
        fields = ["service_type", "title", "description", "position"]


class SessionForm(I18nForm):
    """Create or change a session; on creation it may repeat (a series in one step)."""

    element = forms.ModelChoiceField(
        label=_("Service element"), queryset=ServiceElement.objects.with_scopes_disabled().none()
    )
    title = I18nFormField(label=_("Title"), widget=I18nTextInput, max_length=200)
    topic = forms.CharField(
        label=_("Topic keywords"),
        max_length=200,
        required=False,
        help_text=_("Words people may search for, in any language, e.g. “resume cv interview”."),
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME_INPUT)
    delivery_mode = forms.ChoiceField(
        label=_("Delivery mode"), choices=DeliveryMode.choices, widget=forms.RadioSelect
    )
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.with_scopes_disabled().none(), required=False
    )
    in_person_capacity = forms.IntegerField(
        label=_("Seats in the room"), min_value=0, max_value=10_000, initial=0
    )
    online_capacity = forms.IntegerField(
        label=_("Seats online"), min_value=0, max_value=10_000, initial=0
    )
    join_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Paste a Zoom or Teams link, or leave empty for a new Jitsi room."),
    )
    language = forms.ChoiceField(label=_("Language of delivery"), choices=SessionLanguage.choices)
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    registration_opens_at = forms.DateTimeField(
        label=_("Registration opens"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Empty: open now."),
    )
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Empty: open until the session starts."),
    )
    waitlist_enabled = forms.BooleanField(
        label=_("Waitlist when full"), required=False, initial=True
    )
    occurrences = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=MAX_SERIES_OCCURRENCES,
        initial=1,
        help_text=_("More than one creates a series at the same time of day."),
    )
    every_days = forms.TypedChoiceField(
        label=_("Repeat"),
        coerce=int,
        initial=7,
        choices=[(1, _("Every day")), (7, _("Every week")), (14, _("Every two weeks"))],
    )

    def __init__(
        self, *args: Any, agency: Agency, session: Session | None = None, **kwargs: Any
    ) -> None:
        if session is not None:
            kwargs["initial"] = {
                **{
                    name: getattr(session, name)
                    for name in (
                        "element",
                        "title",
                        "topic",
                        "starts_at",
                        "ends_at",
                        "delivery_mode",
                        "location",
                        "in_person_capacity",
                        "online_capacity",
                        "join_url",
                        "language",
                        "registration_opens_at",
                        "registration_closes_at",
                        "waitlist_enabled",
                    )
                },
                "facilitators": list(session.facilitators.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["element"].queryset = (
            ServiceElement.objects.with_scope(agency=agency)
            .filter(agency=agency)
            .select_related("program")
        )
        self.fields["element"].label_from_instance = lambda element: (
            f"{element.program.title} — {element.title}"
        )
        self.fields["location"].queryset = Location.objects.with_scope(agency=agency).filter(
            agency=agency
        )
        self.fields["facilitators"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__agency=agency,
                memberships__role__in=STAFF_ROLES,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["facilitators"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )
        if session is not None:
            del self.fields["occurrences"], self.fields["every_days"]

    def details(self) -> SessionDetails:
        data = self.cleaned_data
        return SessionDetails(
            element=data["element"],
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            delivery_mode=data["delivery_mode"],
            in_person_capacity=data["in_person_capacity"],
            location=data["location"],
            online_capacity=data["online_capacity"],
            join_url=data["join_url"],
            language=data["language"],
            topic=data["topic"],
            facilitators=list(data["facilitators"]),
            registration_opens_at=data["registration_opens_at"],
            registration_closes_at=data["registration_closes_at"],
            waitlist_enabled=data["waitlist_enabled"],
        )


def mode_choices(session: Session) -> list[tuple[str, "StrOrPromise"]]:
    return [(mode, AttendanceMode(mode).label) for mode in session.modes]


class RegisterForm(forms.Form):
    mode = forms.ChoiceField(label=_("How will you attend?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["mode"]).choices = mode_choices(session)
        if len(session.modes) == 1:
            self.fields["mode"].initial = session.modes[0]


class StaffRegisterForm(forms.Form):
    client_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    mode = forms.ChoiceField(label=_("Attends"))
    override_reason = forms.CharField(
        label=_("Override reason"),
        max_length=500,
        required=False,
        help_text=_(
            "Only to register someone outside the rules (eligibility, registration dates)."
        ),
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["mode"]).choices = mode_choices(session)


class ModeForm(forms.Form):
    """The mode posted by a client; whether the session offers it is the service's call."""

    mode = forms.ChoiceField(choices=AttendanceMode.choices)


class SelfCheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Session code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{6}"}
        ),
        help_text=_("The six digits shown in the room."),
    )


class RecordingForm(I18nForm):
    title = I18nFormField(label=_("Title"), widget=I18nTextInput, max_length=200)
    url = forms.URLField(
        label=_("Link to the recording"), required=False, max_length=500, assume_scheme="https"
    )
    file = forms.FileField(label=_("Or upload the file"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            # Audio or video only, checked on the bytes too (an .mp4 that is HTML is refused).
            check_recording_upload(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("url")) == bool(data.get("file")):
            raise forms.ValidationError(_("Give either a link or a file, not both."))
        return data


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a client by name, email or phone"), max_length=100, required=False
    )
