from typing import Any

from django import template
from django.utils.translation import gettext as _

from tremplin.learning.authoring import Author
from tremplin.learning.selectors import enrolment_list_for_user, network_aggregates

register = template.Library()


@register.simple_tag
def author_url(author: Author, name: str, **kwargs: Any) -> str:
    """An authoring page's URL for the agency or the network that `author` edits for."""
    return author.url(name, **kwargs)


@register.inclusion_tag("learning/_my_courses.html", takes_context=True)
def learning_my_courses(context: template.Context) -> dict[str, Any]:
    """The learner's courses, for the client's home page."""
    request = context["request"]
    return {
        "agency": request.agency,
        "enrolments": list(enrolment_list_for_user(agency=request.agency, user=request.user)[:10]),
    }


@register.inclusion_tag("learning/_network_aggregates.html", takes_context=True)
def learning_network_aggregates(context: template.Context) -> dict[str, Any]:
    network = context.get("network")
    return {"aggregates": network_aggregates(network=network) if network is not None else []}


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as "1 h 05 min" or "12 min" (time spent is an estimate, minutes are enough)."""
    minutes = (seconds or 0) // 60
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}
