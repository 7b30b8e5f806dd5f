from django_scopes import scope, scopes_disabled
from huey.contrib.djhuey import db_task

from tremplin.messaging.models import OutboundMessage
from tremplin.messaging.services import message_deliver


@db_task()
def deliver_outbound_message(message_id: int) -> None:
    with scopes_disabled():
        message = OutboundMessage.objects.select_related("agency").filter(pk=message_id).first()
    if message is None:
        return
    with scope(agency=message.agency):
        message_deliver(message=message)
