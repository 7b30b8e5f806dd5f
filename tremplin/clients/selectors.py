from django.contrib.auth.base_user import AbstractBaseUser
from django.http import Http404

from tremplin.agencies.models import Agency
from tremplin.clients.models import Client


def client_get_for_agency(*, agency: Agency, client_id: int) -> Client:
    client = Client.objects.filter(agency=agency, pk=client_id).first()
    if client is None:
        raise Http404
    return client


def client_of_user(*, agency: Agency, user: AbstractBaseUser) -> Client | None:
    """The signed-in person's own client record in this agency, if they have one."""
    if not user.is_authenticated:
        return None
    return Client.objects.filter(agency=agency, user=user).first()
