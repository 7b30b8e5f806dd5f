from django.db.models import QuerySet
from django.http import Http404

from tremplin.agencies.models import Agency
from tremplin.clients.models import Client
from tremplin.outcomes.models import Completion, Outcome


def outcomes_of_client(*, client: Client) -> QuerySet[Outcome]:
    """The client's outcome history, newest first."""
    return (
        Outcome.objects.filter(agency_id=client.agency_id, client=client)
        .select_related("program", "recorded_by")
        .order_by("-recorded_on", "-id")
    )


def completions_of_client(*, client: Client) -> QuerySet[Completion]:
    return Completion.objects.filter(agency_id=client.agency_id, client=client).select_related(
        "program", "course"
    )


def outcome_get(*, agency: Agency, outcome_id: int) -> Outcome:
    outcome = Outcome.objects.filter(agency=agency, pk=outcome_id).select_related("client").first()
    if outcome is None:
        raise Http404
    return outcome
