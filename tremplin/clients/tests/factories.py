import factory

from tremplin.agencies.tests.factories import AgencyFactory
from tremplin.clients.models import Client


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    agency = factory.SubFactory(AgencyFactory)
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Client{n}")
    email = factory.Sequence(lambda n: f"client{n}@example.org")
    phone = factory.Sequence(lambda n: f"+1403555{n:04d}")
    preferred_language = "en"
