"""What every app's forms share."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def form_save(form: BaseForm, save: Callable[[], Any]) -> Any | None:
    """Run a service for a valid form and return what it returns; a ValidationError it raises
    becomes the form's errors (on the field it names when the form has one, else on the form)
    and None is returned."""
    try:
        return save()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None
