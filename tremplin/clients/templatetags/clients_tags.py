from typing import Any

from django import template

from tremplin.clients.intake import intake_progress
from tremplin.clients.models import Client, ConsentPurpose, ContactChannel
from tremplin.clients.reference import language_name
from tremplin.clients.selectors import client_latest_assessment

register = template.Library()


@register.filter
def channel_labels(codes: list[str]) -> list[str]:
    return [str(ContactChannel(code).label) for code in codes if code in ContactChannel.values]


@register.filter
def purpose_label(code: str) -> str:
    return str(ConsentPurpose(code).label) if code in ConsentPurpose.values else code


@register.filter
def language_label(code: str) -> str:
    return language_name(code)


@register.inclusion_tag("clients/_profile_summary.html", takes_context=True)
def client_profile_summary(context: dict[str, Any], client: Client | None) -> dict[str, Any]:
    """The client's home: profile completeness, the recommended mode and links to the intake."""
    if client is None:
        return {"client": None, "agency": context.get("agency")}
    return {
        "client": client,
        "agency": context.get("agency"),
        "progress": intake_progress(client=client),
        "assessment": client_latest_assessment(client=client),
    }
