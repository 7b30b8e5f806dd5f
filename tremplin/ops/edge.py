"""Input cleaning at the edge: control characters never reach a form, a service or a database.

PostgreSQL refuses NUL in text (a 500 before this), SQLite stores it; neither is ever wanted in
a name, a note or a search. `ControlCharactersMiddleware` strips NUL and the other C0 control
characters (tab, line feed and carriage return stay) from every query-string and form value,
before any view or CSRF check reads them. Signed webhooks (/sms/…) are left intact so their
signature still matches; their views clean the fields they read with `strip_control_characters`.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SIGNED_WEBHOOK_PREFIXES = ("/sms/",)


def strip_control_characters(text: str) -> str:
    return CONTROL.sub("", text)


def _cleaned(values: QueryDict) -> QueryDict | None:
    if not any(
        CONTROL.search(key) or any(CONTROL.search(v) for v in vals) for key, vals in values.lists()
    ):
        return None
    cleaned = QueryDict(mutable=True, encoding=values.encoding)
    for key, vals in values.lists():
        cleaned.setlist(strip_control_characters(key), [strip_control_characters(v) for v in vals])
    cleaned._mutable = False
    return cleaned


class ControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(SIGNED_WEBHOOK_PREFIXES):
            query = _cleaned(request.GET)
            if query is not None:
                request.GET = query  # type: ignore[assignment]
            if request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = _cleaned(request.POST)
                if form is not None:
                    request.POST = form  # type: ignore[assignment]
        return self.get_response(request)
