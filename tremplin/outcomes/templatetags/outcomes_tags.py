"""The outcome history on the client page, without the clients app knowing about outcomes."""

from typing import Any

from django import template

from tremplin.outcomes.selectors import outcomes_of_client

register = template.Library()


@register.inclusion_tag("outcomes/_client_outcomes.html", takes_context=True)
def client_outcomes(context: Any, client: Any) -> dict[str, Any]:
    from tremplin.surveys.selectors import responses_of_client

    perms = context.get("agency_perms", set())
    return {
        "agency": context.get("agency"),
        "client": client,
        "outcomes": outcomes_of_client(client=client),
        "responses": responses_of_client(client=client)[:20],
        "can_record": "clients_manage" in perms,
    }
