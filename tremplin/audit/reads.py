"""Audit of reads: every staff page, list, search, export or download of personal data.

Decorate the view (below `@agency_view`) with `@audited_read("client.list")`. A successful GET
(status 200) writes one audit event: who, which page, when, which filters were used (their
names only, never the values typed: a search for a surname must not copy the surname into the
log), the ids in the URL, and the client's id when the URL names one. The tenancy walk
(tremplin/agencies/tests/test_tenancy.py) opens every decorated page as staff of the right
agency and checks the event was written.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from tremplin.audit.services import audit_log

View = Callable[..., HttpResponseBase]

# Every action recorded as a read (filled by the decorator and record_read): reads are not
# changes, e.g. for "nothing was written" checks and for a record's last activity.
READ_ACTIONS: set[str] = {"client.view", "client.export", "conversation.view"}

# Query parameters that are navigation, not a filter on people.
_NOT_FILTERS = {"page", "format", "lang", "why"}


def audited_read(action: str, *, client_kwarg: str = "client_id") -> Callable[[View], View]:
    READ_ACTIONS.add(action)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            if request.method == "GET" and response.status_code == 200:
                record_read(
                    request,
                    action=action,
                    ids=kwargs,
                    client_kwarg=client_kwarg,
                    why=request.GET.get("why", ""),  # exports: the reason given, if any
                )
            return response

        wrapped.tremplin_audited_read = action  # type: ignore[attr-defined]
        return wrapped

    return decorator


def record_read(
    request: HttpRequest,
    *,
    action: str,
    ids: dict[str, Any] | None = None,
    client_kwarg: str = "client_id",
    why: str = "",
) -> None:
    """Write the audit event of a read (also usable directly from a view)."""
    READ_ACTIONS.add(action)
    ids = {k: v for k, v in (ids or {}).items() if isinstance(v, int)}
    filters = sorted(k for k, v in request.GET.items() if v and k not in _NOT_FILTERS)
    detail: dict[str, Any] = {"ids": ids} if ids else {}
    if filters:
        detail["filters"] = filters[:20]
    if why:
        detail["why"] = why[:200]
    audit_log(
        agency=request.agency,  # type: ignore[attr-defined]
        actor=request.user,
        action=action,
        client_id=ids.get(client_kwarg),
        detail=detail,
    )
