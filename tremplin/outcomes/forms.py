from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tremplin.outcomes.models import EmploymentType, LeftReason, OutcomeType, WageBand

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK: list[tuple[str, Any]] = [("", "—")]


class OutcomeForm(forms.Form):
    outcome_type = forms.ChoiceField(label=_("Outcome"), choices=OutcomeType.choices)
    recorded_on = forms.DateField(label=_("Date of the information"), widget=DATE_INPUT)
    program = forms.ChoiceField(label=_("Program"), required=False)
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    noc_code = forms.CharField(
        label=_("Occupation (NOC 2021)"), max_length=5, required=False, help_text=_("Five digits.")
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE_INPUT)
    employment_type = forms.ChoiceField(
        label=_("Full or part time"), choices=BLANK + EmploymentType.choices, required=False
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours per week"), min_value=1, max_value=80, required=False
    )
    wage_band = forms.ChoiceField(
        label=_("Wage band"), choices=BLANK + WageBand.choices, required=False
    )
    in_field = forms.TypedChoiceField(
        label=_("In their field of training"),
        choices=[("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )
    school_name = forms.CharField(label=_("School or training"), max_length=200, required=False)
    left_reason = forms.ChoiceField(
        label=_("Reason for leaving"), choices=BLANK + LeftReason.choices, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programs = {str(p.pk): p for p in programs}
        cast(forms.ChoiceField, self.fields["program"]).choices = BLANK + [
            (k, str(p.title)) for k, p in self.programs.items()
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["program"] = self.programs.get(data.get("program") or "")
        for name in ("employer_name", "noc_code", "school_name", "notes"):
            data[name] = data.get(name) or ""
        return data
