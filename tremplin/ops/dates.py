"""Dates bounded to sane years in every form of the project (admin included).

A session in year 9999 overflowed when converted to UTC, and a time in year 0001 could not be
shown in a time zone west of UTC (500s). Every `forms.DateField`, `forms.DateTimeField` and
`SplitDateTimeField`, and the REST API's date fields, refuse a year outside MIN_YEAR..MAX_YEAR
with a translated message; installed once from OpsConfig.ready().
"""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 1900
MAX_YEAR = 2200

YEAR_OUT_OF_RANGE = _("Enter a date between the years %(min)d and %(max)d.")


def check_year(value: Any) -> None:
    if isinstance(value, datetime.date) and not (MIN_YEAR <= value.year <= MAX_YEAR):
        raise ValidationError(
            YEAR_OUT_OF_RANGE, code="year_out_of_range", params={"min": MIN_YEAR, "max": MAX_YEAR}
        )


def _bounded(field_class: type[forms.Field]) -> None:
    original = field_class.to_python
    if getattr(original, "tremplin_bounded", False):
        return

    def to_python(self: forms.Field, value: Any) -> Any:
        result = original(self, value)  # type: ignore[arg-type]
        check_year(result)
        return result

    to_python.tremplin_bounded = True  # type: ignore[attr-defined]
    field_class.to_python = to_python  # type: ignore[method-assign]


def install() -> None:
    for field_class in (forms.DateField, forms.DateTimeField):
        _bounded(field_class)

    original_compress = forms.SplitDateTimeField.compress
    if not getattr(original_compress, "tremplin_bounded", False):

        def compress(self: forms.SplitDateTimeField, data_list: Any) -> Any:
            result = original_compress(self, data_list)
            check_year(result)
            return result

        compress.tremplin_bounded = True  # type: ignore[attr-defined]
        forms.SplitDateTimeField.compress = compress  # type: ignore[method-assign]
    _bound_api_fields()


def _bound_api_fields() -> None:
    """The same bounds for the REST API's date fields (Django REST framework), when installed."""
    try:
        from rest_framework import fields, serializers
    except ImportError:
        return
    for field_class in (fields.DateField, fields.DateTimeField):
        original = field_class.to_internal_value
        if getattr(original, "tremplin_bounded", False):
            continue

        def to_internal_value(self: Any, value: Any, _original: Any = original) -> Any:
            result = _original(self, value)
            try:
                check_year(result)
            except ValidationError as error:
                raise serializers.ValidationError(error.messages) from None
            return result

        to_internal_value.tremplin_bounded = True  # type: ignore[attr-defined]
        field_class.to_internal_value = to_internal_value  # type: ignore[method-assign]
