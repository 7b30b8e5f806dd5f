from django.utils import timezone

from tremplin.clients.models import Client
from tremplin.core.demodata import DemoNetwork
from tremplin.privacy.models import (
    LegalHold,
    PrivacyRequest,
    RequestKind,
    RetentionPolicy,
)


def load(demo: DemoNetwork) -> None:
    """Per agency: a 7-year retention policy, one access request waiting, one released hold."""
    for agency in demo.agencies.values():
        RetentionPolicy.objects.get_or_create(agency=agency, defaults={"inactive_years": 7})
        client = Client.objects.filter(agency=agency).order_by("pk").first()
        if client is None:
            continue
        if not PrivacyRequest.objects.filter(agency=agency).exists():
            PrivacyRequest.objects.create(
                agency=agency, client=client, kind=RequestKind.ACCESS, reason="Par téléphone"
            )
        if not LegalHold.objects.filter(agency=agency).exists():
            LegalHold.objects.create(
                agency=agency,
                client=client,
                reason="Dossier de plainte clos",
                released_at=timezone.now(),
            )
