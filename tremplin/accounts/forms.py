from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from allauth.core import context as allauth_context
from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.accounts.services import user_complete_client_signup
from tremplin.agencies.models import Agency

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: a new account is a client of one agency."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.filter(is_active=True).order_by("slug"),
        to_field_name="slug",
        empty_label=None,
        help_text=_("The agency whose services you want to use."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Sign-up links on an agency's pages carry ?agency=<slug> to preselect it.
        request = allauth_context.request
        if request is not None and request.GET.get("agency"):
            self.fields["agency"].initial = request.GET["agency"]

    def signup(self, request: HttpRequest, user: User) -> None:
        user_complete_client_signup(
            user=user,
            agency=self.cleaned_data["agency"],
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            language=(get_language() or "en")[:2],
        )


def time_zone_choices() -> list[tuple[str, "StrOrPromise"]]:
    # Canada's zones first: most readers are here; pre-arrival clients pick theirs below.
    canadian = [
        "America/St_Johns",
        "America/Halifax",
        "America/Moncton",
        "America/Toronto",
        "America/Winnipeg",
        "America/Regina",
        "America/Edmonton",
        "America/Vancouver",
        "America/Whitehorse",
    ]
    others = sorted(zone for zone in available_timezones() if "/" in zone and zone not in canadian)
    return [
        ("", _("My agency's time zone")),
        *[(z, z.replace("_", " ")) for z in canadian + others],
    ]


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language", "time_zone"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(choices=time_zone_choices())
