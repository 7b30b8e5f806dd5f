from django import forms
from django.utils.translation import gettext_lazy as _

from tremplin.messaging.message_types import MessageType

TIME_ZONES = [
    ("", _("The agency's time zone")),
    ("America/St_Johns", _("Newfoundland")),
    ("America/Halifax", _("Atlantic")),
    ("America/Toronto", _("Eastern")),
    ("America/Winnipeg", _("Central")),
    ("America/Regina", _("Saskatchewan")),
    ("America/Edmonton", _("Mountain")),
    ("America/Vancouver", _("Pacific")),
    ("America/Whitehorse", _("Yukon")),
]


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("My time zone (no text messages between 9 pm and 8 am)"),
        choices=TIME_ZONES,
        required=False,
    )


class TemplateForm(forms.Form):
    message_type = forms.ChoiceField(label=_("Type of message"), choices=MessageType.choices)
    language = forms.CharField(
        label=_("Language code"), max_length=12, help_text=_("For example es, ar, pt-br.")
    )
    subject = forms.CharField(label=_("Email subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Fields in braces are filled in: {first_name}, {session}, {when}, {where}, {link}, "
            "{title}, {course}, {survey}, {event}, {position}, {text}."
        ),
    )
