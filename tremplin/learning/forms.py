from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_scopes.forms import SafeModelChoiceField
from i18nfield.forms import I18nModelForm

from tremplin.agencies.models import Agency, Membership
from tremplin.learning.models import Course, Lesson, Module
from tremplin.ops.uploads import refuse_markup

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
LESSON_FILE_TYPES = {
    "pdf",
    "docx",
    "doc",
    "odt",
    "rtf",
    "txt",
    "pptx",
    "odp",
    "xlsx",
    "ods",
    "png",
    "jpg",
    "jpeg",
}
CHOICE_ROWS = 5


class CourseForm(I18nModelForm):
    class Meta:
        model = Course
        fields = [
            "title",
            "summary",
            "audience",
            "language",
            "translation_of",
            "estimated_minutes",
            "is_published",
            "shared_with_all",
            "shared_with",
        ]
        widgets = {"shared_with": forms.CheckboxSelectMultiple}
        field_classes = {
            "translation_of": SafeModelChoiceField
        }  # choices are set per form, in scope

    def __init__(
        self,
        *args: Any,
        counterparts: QuerySet[Course],
        agencies: QuerySet[Agency] | None,
        **kwargs: Any,
    ):
        """`agencies` are the network's members for a network course; None for an agency course."""
        super().__init__(*args, **kwargs)
        self.fields["translation_of"].queryset = counterparts.exclude(pk=self.instance.pk)
        self.fields["translation_of"].required = False
        if agencies is None:
            del self.fields["shared_with_all"]
            del self.fields["shared_with"]
        else:
            self.fields["shared_with"].queryset = agencies
            self.fields["shared_with"].required = False
            self.fields["shared_with"].help_text = _(
                "Used when the course is not offered by every member agency."
            )


class ModuleForm(I18nModelForm):
    class Meta:
        model = Module
        fields = ["title", "position", "requires_previous"]


class LessonForm(I18nModelForm):
    video_url = forms.URLField(
        label=_("video link"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Lesson
        fields = [
            "module",
            "title",
            "kind",
            "position",
            "is_required",
            "estimated_minutes",
            "body",
            "video_url",
            "transcript",
            "file",
            "pass_mark",
            "max_attempts",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "transcript": forms.Textarea(attrs={"rows": 8}),
        }
        field_classes = {"module": SafeModelChoiceField}
        help_texts = {
            "body": _(
                "Markdown: # headings, **bold**, lists, [links](https://…). Scripts and HTML events are removed."
            ),
            "video_url": _(
                "A YouTube or Vimeo link is shown in the page; other sites open in a new page."
            ),
            "is_required": _("Quizzes always count for completion."),
        }

    def __init__(self, *args: Any, modules: QuerySet[Module] | list[Module], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.with_scopes_disabled().filter(
            pk__in=[m.pk for m in modules]
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "size"):
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError(_("The file is too large (10 MB at most)."))
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if extension not in LESSON_FILE_TYPES:
                raise ValidationError(
                    _("This kind of file is not accepted. Use one of: %(types)s.")
                    % {"types": ", ".join(sorted(LESSON_FILE_TYPES))}
                )
            refuse_markup(upload)  # an HTML or SVG page renamed .pdf
        return upload


class QuestionForm(forms.Form):
    """A question with up to five answers; empty answer rows are ignored."""

    text = forms.CharField(
        label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    allows_multiple = forms.BooleanField(label=_("Several answers may be right"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, CHOICE_ROWS + 1):
            self.fields[f"choice_{i}"] = forms.CharField(
                label=_("Answer %(number)s") % {"number": i}, max_length=500, required=False
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(
                label=_("Answer %(number)s is right") % {"number": i}, required=False
            )
            self.fields[f"feedback_{i}"] = forms.CharField(
                label=_("Feedback for answer %(number)s") % {"number": i},
                max_length=1000,
                required=False,
            )

    def choice_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"choice_{i}"], self[f"correct_{i}"], self[f"feedback_{i}"])
            for i in range(1, CHOICE_ROWS + 1)
        ]

    def choices(self) -> list[tuple[str, bool, str]]:
        data = self.cleaned_data
        return [
            (data[f"choice_{i}"], data[f"correct_{i}"], data[f"feedback_{i}"])
            for i in range(1, CHOICE_ROWS + 1)
        ]


class StaffEnrolForm(forms.Form):
    learner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Learner"), queryset=Membership.objects.none()
    )

    def __init__(self, *args: Any, candidates: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["learner"]
        field.queryset = candidates
        field.label_from_instance = lambda m: m.user.get_full_name() or m.user.email


class CourseImportForm(forms.Form):
    file = forms.FileField(label=_("Course file (.json)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("The file is too large (20 MB at most)."))
        return upload


class CertificateLookupForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40)
