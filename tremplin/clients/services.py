from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from tremplin.agencies.models import Agency
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client


@transaction.atomic
def client_create(
    *,
    agency: Agency,
    actor: AbstractBaseUser | None,
    first_name: str,
    last_name: str,
    user: AbstractBaseUser | None = None,
    email: str = "",
    phone: str = "",
    preferred_language: str = "en",
) -> Client:
    client = Client.objects.with_scope(agency=agency).create(
        agency=agency,
        user=user,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        preferred_language=preferred_language,
    )
    audit_log(agency=agency, actor=actor, action="client.create", obj=client, client_id=client.pk)
    return client
