"""What the demo loaders share: the network they fill, and how to create demo people.

Each app may have a `demo.py` with `load(demo: DemoNetwork) -> None`; `tremplin demo` calls
them in INSTALLED_APPS order (agencies first). Loaders must be idempotent: running the demo
twice leaves the same data.
"""

import importlib
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.contrib.auth.hashers import make_password

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Network

DEMO_PASSWORD = "demo-Tremplin-2026"
# A fixed TOTP key for demo staff, so a demo can be given without scanning QR codes.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class DemoNetwork:
    network: Network
    agencies: dict[str, Agency] = field(default_factory=dict)
    # (agency slug or "network", role label, email) for the printed table of logins
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    password_hash: str = ""

    def person(
        self,
        *,
        email: str,
        first_name: str,
        last_name: str,
        language: str = "en",
        totp: bool = False,
    ) -> User:
        if not self.password_hash:
            self.password_hash = make_password(DEMO_PASSWORD)
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "language": language,
                "password": self.password_hash,
            },
        )
        if created:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if (
            totp
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
        return user


def run_demo_loaders(demo: DemoNetwork) -> list[str]:
    loaded = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tremplin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        module.load(demo)
        loaded.append(config.label)
    return loaded
