from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nModelForm

from tremplin.agencies.models import Agency
from tremplin.clients.models import LocationType
from tremplin.clients.reference import language_choices
from tremplin.employers.models import (
    Availability,
    Employer,
    EmployerContact,
    FeedbackSide,
    JobPosting,
    MatchMode,
    MentorProfile,
    ShareableField,
)
from tremplin.employers.selectors import employers_usable
from tremplin.employers.services import EMPLOYER_STATUSES
from tremplin.programs.models import ServiceType, Session, SessionStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EmployerForm(I18nModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Employer
        fields = [
            "name",
            "sector",
            "size_band",
            "locations",
            "website",
            "description",
        ]


class NetworkShareForm(forms.Form):
    consent_by = forms.CharField(
        label=_("Who at the employer agreed (name and role)"), max_length=200
    )
    confirm = forms.BooleanField(
        label=_(
            "The employer agreed that the other agencies of our network see its name, sector, "
            "size, locations and description, invite it to their hiring events and post its jobs."
        )
    )


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)


class JobPostingForm(I18nModelForm):
    publish = forms.BooleanField(
        label=_("Publish now (clients and the public page see it)"), required=False, initial=True
    )

    class Meta:
        model = JobPosting
        fields = [
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
        ]
        widgets = {"closing_date": DATE_INPUT}
        help_texts = {"noc_code": _("Five digits, e.g. 21232 for software developers.")}

    def __init__(self, *args: Any, employers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if employers is not None:
            self.fields["employer"] = forms.ModelChoiceField(
                label=_("Employer"), queryset=employers
            )
            self.order_fields(["employer"])
        if self.instance.pk:
            self.fields["publish"].initial = self.instance.status == "published"

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("employer", None)
        return data


class InterestForm(forms.Form):
    shared_fields = forms.MultipleChoiceField(
        label=_("What the employer may see"),
        choices=ShareableField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[ShareableField.NAME, ShareableField.EMAIL, ShareableField.OCCUPATION],
    )
    message = forms.CharField(
        label=_("A short message to the employer (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that this employer sees the parts of my profile I ticked, for this job. "
            "I can withdraw at any time."
        ),
        required=False,
    )


class InterestStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in EMPLOYER_STATUSES],
    )


class HiringEventForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.with_scopes_disabled().none()
    )
    notes_for_employers = forms.CharField(
        label=_("Notes for employers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = (  # type: ignore[attr-defined]
            Session.objects.filter(
                agency=agency,
                status=SessionStatus.SCHEDULED,
                hiring_event__isnull=True,
                element__service_type=ServiceType.HIRING_EVENT,
            )
            .select_related("element")
            .order_by("starts_at")
        )
        self.fields["session"].help_text = _(
            "Plan the session first (a service element of type “Hiring event”), then make it a "
            "hiring event here."
        )


class EventEmployerForm(forms.Form):
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.with_scopes_disabled().none()
    )
    table = forms.CharField(label=_("Table"), max_length=60, required=False)
    breakout_url = forms.URLField(
        label=_("Breakout room link"), required=False, max_length=500, assume_scheme="https"
    )
    slots_from = forms.DateTimeField(label=_("Slots from"), widget=DATETIME_INPUT, required=False)
    slots_until = forms.DateTimeField(label=_("Slots until"), widget=DATETIME_INPUT, required=False)
    minutes = forms.IntegerField(
        label=_("Minutes per slot"), min_value=5, max_value=240, initial=15, required=False
    )
    capacity = forms.IntegerField(
        label=_("People per slot"), min_value=1, max_value=20, initial=1, required=False
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Its own employers and those shared with the network (with their consent).
        self.fields["employer"].queryset = employers_usable(agency=agency)  # type: ignore[attr-defined]


class BookSlotForm(forms.Form):
    share_profile = forms.BooleanField(
        label=_("The employer may see my name, occupation and whether I attended"),
        required=False,
    )


def _multiple(label: Any, choices: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs
    )


class MentorForm(forms.ModelForm):
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.with_scopes_disabled().none(), required=False
    )
    languages = _multiple(_("Languages"), [])
    modes = _multiple(_("Meets"), MatchMode.choices)
    availability = _multiple(_("Availability"), Availability.choices, required=False)
    location_type = forms.ChoiceField(
        label=_("Lives in"), choices=[("", "—"), *LocationType.choices], required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Signs in as (an employer contact)"),
        queryset=EmployerContact.objects.with_scopes_disabled().none(),
        required=False,
        help_text=_("The mentor then sees their own mentees, logs meetings and gives feedback."),
    )

    class Meta:
        model = MentorProfile
        fields = [
            "first_name",
            "last_name",
            "email",
            "employer",
            "noc_code",
            "sector",
            "languages",
            "modes",
            "location_type",
            "availability",
            "capacity",
            "contact",
        ]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]
        self.fields["employer"].queryset = Employer.objects.filter(agency=agency)  # type: ignore[attr-defined]
        self.fields["contact"].queryset = EmployerContact.objects.filter(  # type: ignore[attr-defined]
            agency=agency, mentor_profile__isnull=True
        ).select_related("user", "employer")


class MenteeRequestForm(forms.Form):
    noc_code = forms.CharField(
        label=_("Occupation (NOC 2021 code)"),
        max_length=5,
        help_text=_("Five digits; your counsellor can help you find it."),
    )
    languages = _multiple(_("Languages I can use with a mentor"), [])
    modes = _multiple(_("How we could meet"), MatchMode.choices)
    availability = _multiple(_("When I am available"), Availability.choices, required=False)
    notes = forms.CharField(
        label=_("What I hope to get from a mentor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    shared_fields = _multiple(
        _("Besides my first name and this request, my mentor may see"),
        ShareableField.choices,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    met_on = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=date.today)
    mode = forms.ChoiceField(label=_("How"), choices=MatchMode.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, initial=60
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class StaffFeedbackForm(FeedbackForm):
    side = forms.ChoiceField(label=_("Feedback from"), choices=FeedbackSide.choices)
