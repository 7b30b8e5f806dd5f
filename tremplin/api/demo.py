"""Demo API access: in each agency a read-and-write token with a known demo secret
(printed with the logins) and a webhook address, turned off, so the staff pages have rows."""

from datetime import timedelta

from django.utils import timezone

from tremplin.api import services
from tremplin.api.models import AGENCY_SCOPES, ApiToken, EventType, WebhookEndpoint
from tremplin.core.demodata import DemoNetwork

DEMO_TOKEN_NAME = "Demo integration"


def demo_token_secret(slug: str) -> str:
    return f"tpl_demo-{slug}-not-secret"


def load(demo: DemoNetwork) -> None:
    for slug, agency in demo.agencies.items():
        if not ApiToken.objects.filter(agency=agency, name=DEMO_TOKEN_NAME).exists():
            services.token_create(
                agency=agency,
                network=agency.network,
                actor=None,
                name=DEMO_TOKEN_NAME,
                scopes=AGENCY_SCOPES,
                expires_at=timezone.now() + timedelta(days=365),
                secret=demo_token_secret(slug),
            )
        demo.logins.append((slug, "API token", demo_token_secret(slug)))
        if not WebhookEndpoint.objects.filter(agency=agency).exists():
            endpoint = services.webhook_endpoint_create(
                agency=agency,
                actor=None,
                url="https://hooks.example.org/tremplin",
                events=EventType.values,
                description="Demo receiver (turned off)",
            )
            services.webhook_endpoint_set_active(
                endpoint=endpoint, active=False, actor=None, reason="demo"
            )
