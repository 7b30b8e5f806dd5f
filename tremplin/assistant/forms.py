from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tremplin.agencies.models import Agency
from tremplin.assistant.models import IntentKind, KnowledgeIntent
from tremplin.assistant.services import MAX_ANSWER_CHARS, MAX_EXAMPLE_CHARS, NORMALIZED_CHARS
from tremplin.messaging.services import MAX_TEXT_CHARS

LANGUAGE_HELP = _("Two-letter code, such as en, fr, es or ar.")


class ChatForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=settings.ASSISTANT_MAX_MESSAGE_CHARS,
        error_messages={
            "required": _("Type a message first."),
            "max_length": _("Your message is too long: %(limit_value)d characters at most."),
        },
    )


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), max_length=MAX_TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )


class IntentCreateForm(forms.Form):
    intent_id = forms.SlugField(
        label=_("Intent id"), max_length=80, help_text=_("For example: parking_info")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=IntentKind.choices)


class ExampleForm(forms.Form):
    language = forms.RegexField(
        label=_("Language"), regex=r"^[a-z]{2,3}$", max_length=3, help_text=LANGUAGE_HELP
    )
    text = forms.CharField(label=_("Example message"), max_length=MAX_EXAMPLE_CHARS)


class AnswerForm(forms.Form):
    language = forms.RegexField(
        label=_("Language"), regex=r"^[a-z]{2,3}$", max_length=3, help_text=LANGUAGE_HELP
    )
    text = forms.CharField(
        label=_("Answer"),
        max_length=MAX_ANSWER_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty to remove the answer in this language."),
    )


class UnansweredForm(forms.Form):
    normalized_text = forms.CharField(max_length=NORMALIZED_CHARS, widget=forms.HiddenInput)
    intent: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Intent"), queryset=KnowledgeIntent.objects.none(), required=False
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intent"].queryset = KnowledgeIntent.objects.filter(agency=agency)  # type: ignore[attr-defined]
