from django_scopes import scope, scopes_disabled
from huey.contrib.djhuey import db_task

from tremplin.agencies.models import Agency
from tremplin.assistant.brain import brain_keep_current


@db_task()
def assistant_retrain(agency_id: int) -> None:
    """Retrain after a knowledge base change; a no-op when another run has it in hand."""
    with scopes_disabled():
        agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        return
    with scope(agency=agency):
        brain_keep_current(agency=agency)
