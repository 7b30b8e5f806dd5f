"""The dashboards' filters (GET) and the funder export's choices."""

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.clients.models import ArrivalStatus, LocationType
from tremplin.reports.figures import Period, Selection
from tremplin.reports.funder import template_choices
from tremplin.reports.models import FunderProfile
from tremplin.reports.selectors import DIMENSION_LABELS, MODE_LABELS

ANY: list[tuple[Any, Any]] = [("", _("Any"))]
DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


class DashboardFilterForm(forms.Form):
    """Invalid values give a message on the page and the default figures, never an error page."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    by = forms.ChoiceField(label=_("Break down by"), required=False)
    mode = forms.ChoiceField(
        label=_("Delivery mode"),
        required=False,
        choices=ANY + [(k, v) for k, v in MODE_LABELS.items() if k != "hybrid"],
    )
    location_type = forms.ChoiceField(
        label=_("Location type"), required=False, choices=ANY + LocationType.choices
    )
    arrival_status = forms.ChoiceField(
        label=_("Arrival status"), required=False, choices=ANY + ArrivalStatus.choices
    )
    language = forms.ChoiceField(label=_("Preferred language"), required=False)
    program = forms.TypedChoiceField(label=_("Program"), required=False, coerce=int)
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int)

    def __init__(
        self,
        *args: Any,
        languages: list[tuple[str, str]],
        programs: list[tuple[int, str]],
        agencies: list[tuple[int, str]] | None = None,
        comparing_modes: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if comparing_modes:  # the mode comparison has its own rows: no breakdown, no mode
            del self.fields["by"]
            del self.fields["mode"]
        dimensions = [(k, v) for k, v in DIMENSION_LABELS.items() if agencies or k != "agency"]
        if "by" in self.fields:
            cast(forms.ChoiceField, self.fields["by"]).choices = dimensions
        cast(forms.ChoiceField, self.fields["language"]).choices = ANY + languages
        cast(forms.ChoiceField, self.fields["program"]).choices = ANY + programs
        if agencies:
            cast(forms.ChoiceField, self.fields["agency"]).choices = ANY + agencies
        else:
            del self.fields["agency"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date must be on or after the start date."))
        if start and end and (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data

    def selection(self) -> Selection:
        """What to show: the valid choices, or the last 90 days broken down by mode."""
        today = timezone.localdate()
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        end: date = data.get("end") or today
        start: date = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        filters = {
            name: str(data[name])
            for name in ("mode", "location_type", "arrival_status", "language", "program", "agency")
            if data.get(name) not in (None, "")
        }
        return Selection(Period(start, end), by=data.get("by") or "mode", filters=filters)


class FunderExportForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("The month of services to report, e.g. 2026-10."),
    )
    template = forms.ChoiceField(label=_("Template"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = template_choices()

    def clean_month(self) -> date:
        value = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            return date(year, month, 1)
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2026-10.")) from error


class FunderProfileForm(forms.ModelForm):
    class Meta:
        model = FunderProfile
        fields = ["identifier_type", "identifier_value"]
