from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tremplin.audit.labels import action_choices


class AuditFilterForm(forms.Form):
    """The audit page's filters; invalid values are ignored with a message, never a 500."""

    action = forms.CharField(label=_("What"), required=False, max_length=80)
    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    client = forms.IntegerField(
        label=_("Client number"), required=False, min_value=1, max_value=2**62
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Anyone")), *staff]  # type: ignore[attr-defined]
        self.fields["action"].widget = forms.Select(
            choices=[("", _("Everything")), *action_choices()]
        )
