from typing import Any

from django import template

from tremplin.programs.selectors import registration_list_for_client

register = template.Library()


@register.inclusion_tag("programs/_my_registrations_summary.html", takes_context=True)
def my_upcoming_registrations(
    context: dict[str, Any], client: Any, limit: int = 5
) -> dict[str, Any]:
    """The client's next sessions, for their home page."""
    registrations = []
    if client is not None:
        registrations = [
            r
            for r in registration_list_for_client(client=client)[:limit]
            if not r.session.has_ended
        ]
    return {"agency": context["agency"], "registrations": registrations}
