from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea({"rows": 2}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("How the request was received (optional)"), max_length=1000, required=False
    )


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the legal hold"), max_length=200)


class RetentionForm(forms.Form):
    inactive_years = forms.IntegerField(
        label=_("Erase records after this many years without activity"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Leave empty to keep records until someone asks for their erasure."),
    )
