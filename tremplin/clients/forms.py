"""Forms of the intake steps, the digital questionnaire, consent, needs, referrals and notes.

Profile forms check the whole candidate record with `check_client_record` (the rules the
services enforce too), so each error shows beside the field it concerns and nothing is saved.
"""

import copy
import re
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.clients.models import (
    ArrivalStatus,
    Client,
    ConsentPurpose,
    ContactChannel,
    EducationLevel,
    ImmigrationCategory,
    LocationType,
    Need,
    Priority,
    Proficiency,
    ReferralKind,
    ReferralStatus,
)
from tremplin.clients.reference import country_choices, language_choices, noc_get, noc_search
from tremplin.clients.scoring import COMFORT_QUESTIONS
from tremplin.clients.services import LanguageEntry
from tremplin.clients.validation import check_client_record, normalise_phone, normalise_postal_area

MAX_TEXT = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return normalise_phone(super().clean(value))


def _lang() -> str:
    return (get_language() or "en")[:2]


# When a rule concerns two fields of different steps, show it on the one this step has.
FIELD_FALLBACK = {
    "birth_date": "arrival_date",
    "arrival_date": "birth_date",
    "noc_code": "occupation",
}


class ProfileStepForm(forms.Form):
    """One intake step: `changes()` feeds `client_update`; the candidate record is checked in clean()."""

    profile_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, client: Client, staff: bool = False, **kwargs: Any) -> None:
        self.client = client
        self.staff = staff
        kwargs.setdefault("initial", {name: getattr(client, name) for name in self.profile_fields})
        super().__init__(*args, **kwargs)

    def changes(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.profile_fields
            if name in self.cleaned_data
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        candidate = copy.copy(self.client)
        for name, value in self.changes().items():
            setattr(candidate, name, value)
        try:
            check_client_record(candidate)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else FIELD_FALLBACK.get(field)
                self.add_error(target if target in self.fields else None, messages)
        return cleaned


class AboutForm(ProfileStepForm):
    profile_fields = (
        "first_name",
        "last_name",
        "birth_date",
        "preferred_language",
        "phone",
        "email",
    )

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=DateInput(attrs={"autocomplete": "bday"})
    )
    preferred_language = forms.ChoiceField(label=_("Language you prefer"))
    phone = PhoneField(
        label=_("Phone number"),
        required=False,
        help_text=_("A Canadian number, or any number with its country code (+…)."),
    )
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preferred_language"]).choices = language_choices()
        if not self.staff:
            del self.fields["email"]  # a client's email is their sign-in, changed in their account


class ArrivalForm(ProfileStepForm):
    profile_fields = (
        "arrival_status",
        "expected_arrival_date",
        "destination",
        "arrival_date",
        "immigration_category",
        "location_type",
        "postal_area",
    )

    arrival_status = forms.ChoiceField(
        label=_("Where are you now?"), choices=ArrivalStatus.choices, widget=forms.RadioSelect
    )
    expected_arrival_date = forms.DateField(
        label=_("Expected arrival date"),
        required=False,
        widget=DateInput,
        help_text=_("Before arrival only."),
    )
    destination = forms.CharField(
        label=_("Where you will live in Canada"),
        max_length=120,
        required=False,
        help_text=_("Before arrival only: city and province."),
    )
    arrival_date = forms.DateField(
        label=_("Arrival date in Canada"),
        required=False,
        widget=DateInput,
        help_text=_("After arrival only."),
    )
    immigration_category = forms.ChoiceField(
        label=_("Immigration status"), choices=[("", "—"), *ImmigrationCategory.choices]
    )
    # No "not in Canada yet" choice here: the arrival status above says it, and two answers
    # preselected on one page (arrived / not yet in Canada) contradicted each other.
    location_type = forms.ChoiceField(
        label=_("Where you live"),
        choices=LocationType.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Leave empty if you are not in Canada yet."),
    )
    postal_area = forms.CharField(
        label=_("Postal code"),
        max_length=7,
        required=False,
        help_text=_("Only the first three characters are kept."),
    )

    def clean_postal_area(self) -> str:
        return normalise_postal_area(self.cleaned_data["postal_area"])

    def clean(self) -> dict[str, Any]:
        status = self.cleaned_data.get("arrival_status")
        if status == ArrivalStatus.ARRIVED:
            if not self.cleaned_data.get("arrival_date") and "arrival_date" not in self.errors:
                self.add_error("arrival_date", _("Enter your arrival date."))
            if not self.cleaned_data.get("location_type"):
                self.add_error(
                    "location_type",
                    _("Tell us whether you live in a city, a rural area or a remote area."),
                )
        elif status == ArrivalStatus.PRE_ARRIVAL:
            if (
                not self.cleaned_data.get("expected_arrival_date")
                and "expected_arrival_date" not in self.errors
            ):
                self.add_error("expected_arrival_date", _("Enter your expected arrival date."))
            self.cleaned_data["arrival_date"] = None
        return super().clean()


CLB_CHOICES = [("", "—"), *((str(level), str(level)) for level in range(1, 13))]
OTHER_LANGUAGE_ROWS = 3


class LanguagesForm(forms.Form):
    english_clb = forms.TypedChoiceField(
        label=_("English level (CLB)"),
        choices=CLB_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Your best guess: 1 a few words · 4 everyday conversations · 8 work meetings · 12 like a native speaker."
        ),
    )
    french_clb = forms.TypedChoiceField(
        label=_("French level (NCLC)"),
        choices=CLB_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Same scale as for English."),
    )

    def __init__(self, *args: Any, client: Client, staff: bool = False, **kwargs: Any) -> None:
        self.client = client
        existing = list(client.languages.all())
        initial: dict[str, Any] = {}
        others = [row for row in existing if row.language not in {"en", "fr"}]
        for row in existing:
            if row.language in {"en", "fr"}:
                initial[f"{'english' if row.language == 'en' else 'french'}_clb"] = row.clb_level
        for index, row in enumerate(others[:OTHER_LANGUAGE_ROWS], 1):
            initial[f"other_language_{index}"] = row.language
            initial[f"other_level_{index}"] = row.proficiency
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        language_options = [
            ("", "—"),
            *((code, name) for code, name in language_choices() if code not in {"en", "fr"}),
        ]
        for index in range(1, OTHER_LANGUAGE_ROWS + 1):
            self.fields[f"other_language_{index}"] = forms.ChoiceField(
                label=_("Other language %(number)s") % {"number": index},
                choices=language_options,
                required=False,
            )
            self.fields[f"other_level_{index}"] = forms.ChoiceField(
                label=_("Level in this language"),
                choices=[("", "—"), *Proficiency.choices],
                required=False,
            )

    def other_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"other_language_{i}"], self[f"other_level_{i}"])
            for i in range(1, OTHER_LANGUAGE_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for index in range(1, OTHER_LANGUAGE_ROWS + 1):
            if cleaned.get(f"other_language_{index}") and not cleaned.get(f"other_level_{index}"):
                self.add_error(f"other_level_{index}", _("Choose your level in this language."))
        if not self.errors and not self.entries():
            raise ValidationError(_("Tell us at least one language you speak."), code="no_language")
        return cleaned

    def entries(self) -> list[LanguageEntry]:
        cleaned = self.cleaned_data
        entries = []
        if cleaned.get("english_clb"):
            entries.append(LanguageEntry("en", clb_level=cleaned["english_clb"]))
        if cleaned.get("french_clb"):
            entries.append(LanguageEntry("fr", clb_level=cleaned["french_clb"]))
        for index in range(1, OTHER_LANGUAGE_ROWS + 1):
            if cleaned.get(f"other_language_{index}"):
                entries.append(
                    LanguageEntry(
                        cleaned[f"other_language_{index}"],
                        proficiency=cleaned[f"other_level_{index}"],
                    )
                )
        return entries


NOC_CODE_AT_START = re.compile(r"^\s*(\d{5})\b")


class WorkForm(ProfileStepForm):
    profile_fields = (
        "education_level",
        "education_country",
        "noc_code",
        "years_experience",
        "employment_goal",
    )

    education_level = forms.ChoiceField(
        label=_("Highest education"), choices=[("", "—"), *EducationLevel.choices]
    )
    education_country = forms.ChoiceField(label=_("Country where you studied"), required=False)
    occupation = forms.CharField(
        label=_("Your occupation"),
        max_length=200,
        required=False,
        help_text=_("Type its name (for example: cook, accountant) or its 5-digit NOC 2021 code."),
    )
    occupation_choice = forms.CharField(required=False, widget=forms.HiddenInput)
    years_experience = forms.IntegerField(
        label=_("Years of experience in this occupation"), min_value=0, max_value=70, required=False
    )
    employment_goal = forms.CharField(
        label=_("Your employment goal"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: work as a nurse in Canada, find any job quickly, start a business."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["education_country"]).choices = [
            ("", "—"),
            *country_choices(_lang()),
        ]
        occupation = noc_get(self.client.noc_code)
        if occupation and not self.is_bound:
            self.initial["occupation"] = f"{occupation.code} — {occupation.title(_lang())}"
        self.occupation_matches: list = []

    def clean(self) -> dict[str, Any]:
        choice = (self.cleaned_data.get("occupation_choice") or "").strip()
        text = (self.cleaned_data.get("occupation") or "").strip()
        code_match = NOC_CODE_AT_START.match(text)
        if choice and noc_get(choice):
            self.cleaned_data["noc_code"] = choice
        elif not text:
            self.cleaned_data["noc_code"] = ""
        elif code_match:
            self.cleaned_data["noc_code"] = code_match.group(
                1
            )  # an unknown code is caught by the record check
        else:
            matches = noc_search(text)
            if len(matches) == 1:
                self.cleaned_data["noc_code"] = matches[0].code
            elif matches:
                self.occupation_matches = matches
                self.add_error("occupation", _("Several occupations match: choose yours below."))
            else:
                self.add_error(
                    "occupation",
                    _(
                        "No occupation matches these words. Try other words or the 5-digit NOC code."
                    ),
                )
        return super().clean()


class ContactForm(forms.Form):
    """Preferred channels in order (three lists, no script needed) and the consents of this step."""

    phone = PhoneField(
        label=_("Phone number"),
        required=False,
        help_text=_("Needed for text messages, WhatsApp and calls."),
    )
    channel_1 = forms.ChoiceField(
        label=_("How should we contact you first?"), choices=ContactChannel.choices
    )
    channel_2 = forms.ChoiceField(label=_("Second choice"), required=False)
    channel_3 = forms.ChoiceField(label=_("Third choice"), required=False)

    def __init__(
        self,
        *args: Any,
        client: Client,
        consent_texts: dict,
        consents: dict,
        staff: bool = False,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.staff = staff
        channels = list(client.preferred_channels or [])
        initial = {f"channel_{index}": channel for index, channel in enumerate(channels[:3], 1)}
        initial["phone"] = client.phone
        # Clients consent to contact channels by choosing them; staff record every consent explicitly.
        self.consent_purposes = (
            list(ConsentPurpose.values)
            if staff
            else [
                ConsentPurpose.SERVICE_DELIVERY,
                ConsentPurpose.ANONYMOUS_REPORTING,
                ConsentPurpose.SHARE_WITH_EMPLOYERS,
            ]
        )
        for purpose in self.consent_purposes:
            record = consents.get(purpose)
            initial[f"consent_{purpose}"] = bool(record and record.given)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        optional = [("", "—"), *ContactChannel.choices]
        cast(forms.ChoiceField, self.fields["channel_2"]).choices = optional
        cast(forms.ChoiceField, self.fields["channel_3"]).choices = optional
        for purpose in self.consent_purposes:
            text = consent_texts[purpose]
            self.fields[f"consent_{purpose}"] = forms.BooleanField(
                label=(_("The client agrees: %(title)s") % {"title": text.title})
                if staff
                else str(text.title),
                help_text=str(text.body),
                required=False,
            )

    def channels(self) -> list[str]:
        return [
            self.cleaned_data[f"channel_{i}"]
            for i in (1, 2, 3)
            if self.cleaned_data.get(f"channel_{i}")
        ]

    def consent_choices(self) -> dict[str, bool]:
        return {
            purpose: self.cleaned_data[f"consent_{purpose}"] for purpose in self.consent_purposes
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        needs_phone = {ContactChannel.SMS, ContactChannel.WHATSAPP, ContactChannel.PHONE}
        if (
            not cleaned.get("phone")
            and "phone" not in self.errors
            and needs_phone & set(self.channels())
        ):
            self.add_error(
                "phone", _("Add a phone number to be contacted by phone, text message or WhatsApp.")
            )
        if not self.client.email and ContactChannel.EMAIL in self.channels():
            raise ValidationError(_("Add an email address to be contacted by email."))
        return cleaned


class ConsentForm(forms.Form):
    """Yes or no for every purpose; a change writes a consent record."""

    def __init__(
        self,
        *args: Any,
        consent_texts: dict,
        consents: dict,
        on_behalf: bool = False,
        **kwargs: Any,
    ) -> None:
        initial = {purpose: bool(record and record.given) for purpose, record in consents.items()}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for purpose in ConsentPurpose.values:
            text = consent_texts[purpose]
            label = (
                (_("The client agrees: %(title)s") % {"title": text.title})
                if on_behalf
                else str(text.title)
            )
            self.fields[purpose] = forms.BooleanField(
                label=label, help_text=str(text.body), required=False
            )

    def choices(self) -> dict[str, bool]:
        return {purpose: self.cleaned_data[purpose] for purpose in ConsentPurpose.values}


COMFORT_CHOICES = [
    ("0", _("Not at all")),
    ("1", _("With help")),
    ("2", _("On my own")),
    ("3", _("With ease")),
]


class DigitalAssessmentForm(forms.Form):
    """The questionnaire of scoring.py, in plain words."""

    devices = forms.MultipleChoiceField(
        label=_("Which devices can you use?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("smartphone", _("A smartphone (with apps and internet)")),
            ("basic_phone", _("A basic cell phone (calls and texts)")),
            ("computer", _("A computer or laptop")),
            ("tablet", _("A tablet")),
        ],
        help_text=_("Leave empty if you have none."),
    )
    device_access = forms.ChoiceField(
        label=_("Whose device is it?"),
        widget=forms.RadioSelect,
        choices=[
            ("own", _("My own")),
            ("shared", _("Shared with family or friends")),
            ("public", _("A public one (library, agency)")),
            ("none", _("I have no access to a device")),
        ],
    )
    internet = forms.ChoiceField(
        label=_("What internet do you have?"),
        widget=forms.RadioSelect,
        choices=[
            ("home_unlimited", _("Internet at home, unlimited")),
            ("home_limited", _("Internet at home, limited or slow")),
            ("mobile_only", _("Only mobile data on my phone")),
            ("public_wifi", _("Only free Wi-Fi in public places")),
            ("none", _("No internet")),
        ],
    )
    data_plan = forms.ChoiceField(
        label=_("What mobile data plan do you have?"),
        widget=forms.RadioSelect,
        choices=[
            ("unlimited", _("Unlimited or large")),
            ("limited", _("Small or prepaid")),
            ("none", _("None")),
        ],
    )
    comfort_email = forms.ChoiceField(
        label=_("Reading and sending email"), choices=COMFORT_CHOICES, widget=forms.RadioSelect
    )
    comfort_video = forms.ChoiceField(
        label=_("Joining a video call (Zoom, Teams…)"),
        choices=COMFORT_CHOICES,
        widget=forms.RadioSelect,
    )
    comfort_forms = forms.ChoiceField(
        label=_("Filling in forms online"), choices=COMFORT_CHOICES, widget=forms.RadioSelect
    )
    comfort_apps = forms.ChoiceField(
        label=_("Installing and using apps on a phone"),
        choices=COMFORT_CHOICES,
        widget=forms.RadioSelect,
    )
    comfort_typing = forms.ChoiceField(
        label=_("Typing on a keyboard"), choices=COMFORT_CHOICES, widget=forms.RadioSelect
    )
    uses = forms.MultipleChoiceField(
        label=_("What do you use every week?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("email", _("Email")),
            ("sms", _("Text messages")),
            ("whatsapp", _("WhatsApp")),
            ("phone", _("Phone calls")),
        ],
    )

    def answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = dict(self.cleaned_data)
        for key in COMFORT_QUESTIONS:
            answers[key] = int(answers[key])
        return answers


class NeedsAssessmentForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for need in Need:
            self.fields[f"need_{need.value}"] = forms.ChoiceField(
                label=need.label, required=False, choices=[("", _("Not a need")), *Priority.choices]
            )

    def need_fields(self) -> list[forms.BoundField]:
        return [self[f"need_{need.value}"] for need in Need]

    def needs(self) -> dict[str, str]:
        return {
            need.value: self.cleaned_data[f"need_{need.value}"]
            for need in Need
            if self.cleaned_data.get(f"need_{need.value}")
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.needs():
            raise ValidationError(_("Choose at least one need."), code="no_needs")
        return cleaned


def _not_future(value: Any) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Referred to"), choices=ReferralKind.choices, widget=forms.RadioSelect
    )
    to_name = forms.CharField(label=_("Program or organisation"), max_length=200)
    program_ref = forms.CharField(
        label=_("Program reference"),
        max_length=80,
        required=False,
        help_text=_("Optional: the program's code in our catalogue."),
    )
    need = forms.ChoiceField(
        label=_("For the need"), choices=[("", "—"), *Need.choices], required=False
    )
    contact = forms.CharField(label=_("Contact person or details"), max_length=200, required=False)
    made_on = forms.DateField(label=_("Made on"), widget=DateInput, validators=[_not_future])
    notes = forms.CharField(
        label=_("Notes"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput, validators=[_not_future])


class CaseNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ClientCreateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = PhoneField(label=_("Phone number"), required=False)
    preferred_language = forms.ChoiceField(label=_("Language the client prefers"))
    confirm_not_duplicate = forms.BooleanField(
        label=_("This is a different person: create the record anyway."), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preferred_language"]).choices = language_choices()


class StaffMemberField(forms.ModelChoiceField):
    """A staff member, shown by name (by email when they have no name)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class CounsellorForm(forms.Form):
    counsellor = StaffMemberField(
        label=_("Counsellor"), queryset=None, required=False, empty_label=_("Nobody yet")
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffMemberField, self.fields["counsellor"]).queryset = (
            get_user_model()
            .objects.filter(pk__in=[person.pk for person in staff])
            .order_by("last_name", "first_name")
        )


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
