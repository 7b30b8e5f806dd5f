from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from tremplin.messaging.models import Channel

register = template.Library()

# What the understanding decided about a client's message (nlu.engine.Decision), for staff.
DECISION_LABELS = {
    "answer": _("understood"),
    "clarify": _("asked to clarify"),
    "out_of_scope": _("not understood"),
}


@register.filter
def channel_label(code: str) -> str:
    """ "Text message (SMS)" rather than "sms"."""
    return str(Channel(code).label) if code in Channel.values else code


@register.filter
def decision_label(code: str) -> str:
    return str(DECISION_LABELS.get(code, code))


@register.simple_tag(takes_context=True)
def intent_name(context: template.Context, intent_id: str) -> str:
    """The name staff know an intent by: the action's name, or the FAQ's first example."""
    from tremplin.assistant.engine import intent_label

    if not intent_id:
        return "?"
    # A conversation names the same few intents again and again: look each up once a page.
    names: dict[str, str] = context.render_context.setdefault(  # type: ignore[assignment]
        "assistant_intent_names",
        {},  # type: ignore[arg-type]
    )
    if intent_id not in names:
        language = str(context.get("LANGUAGE_CODE") or "en")
        names[intent_id] = intent_label(context["request"].agency, intent_id, language)
    return names[intent_id]


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
