from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.api.models import NETWORK_SCOPE, EventType, Scope

EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("One year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses it, e.g. “Case management sync”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Permissions"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_in = forms.ChoiceField(label=_("Expires after"), choices=EXPIRY_CHOICES, initial="90")

    def expires_at(self):
        return timezone.now() + timedelta(days=int(self.cleaned_data["expires_in"]))


class NetworkTokenForm(TokenForm):
    """A network token: one permission, the network's aggregates and shared templates."""

    scopes = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=[
            (
                NETWORK_SCOPE,
                _("Read member agencies, shared program templates and learning counts"),
            )
        ],
        initial=[NETWORK_SCOPE],
        widget=forms.CheckboxSelectMultiple,
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where Tremplin sends events, starting with https://."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
