from typing import Any

from django import template

from tremplin.employers.models import ShareableField
from tremplin.employers.selectors import postings_matched_for_client

register = template.Library()


@register.inclusion_tag("employers/_my_matches.html", takes_context=True)
def employers_my_matches(context: template.Context, client: Any) -> dict[str, Any]:
    """The client's three best-matched open postings, for their home page."""
    matches = postings_matched_for_client(client=client, limit=3) if client else []
    return {"agency": context.get("agency"), "matches": matches}


@register.filter
def shareable_labels(values: list[str]) -> str:
    labels = dict(ShareableField.choices)
    return ", ".join(str(labels[value]) for value in values if value in labels)
