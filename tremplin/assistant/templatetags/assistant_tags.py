from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("assistant/_chat.html", takes_context=True)
def assistant_chat(context: template.Context) -> dict[str, Any]:
    """The chat box on any agency page: `{% load assistant_tags %}{% assistant_chat %}`."""
    from tremplin.assistant.views import chat_context

    request = context["request"]
    return {
        "agency": request.agency,
        "csrf_token": context.get("csrf_token"),
        **chat_context(request),
    }


@register.inclusion_tag("assistant/_staff_tile.html", takes_context=True)
def assistant_staff_tile(context: template.Context) -> dict[str, Any]:
    """The staff home tile: conversations waiting for a person, links to the knowledge base."""
    from tremplin.assistant.selectors import inbox_waiting_count

    request = context["request"]
    perms = request.agency_perms
    counts = (
        inbox_waiting_count(agency=request.agency, user=request.user)
        if "assistant_inbox" in perms
        else {}
    )
    return {"agency": request.agency, "agency_perms": perms, "counts": counts}
