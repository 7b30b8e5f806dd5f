from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "tremplin.messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from anymail.signals import tracking

        from tremplin.messaging.views import email_tracking

        tracking.connect(email_tracking, dispatch_uid="tremplin.messaging.email_tracking")
