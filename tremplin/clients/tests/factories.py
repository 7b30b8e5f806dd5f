import factory

from tremplin.agencies.tests.factories import AgencyFactory
from tremplin.clients.models import CaseNote, Client, Referral, ReferralKind
from tremplin.clients.validation import search_text_for


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    agency = factory.SubFactory(AgencyFactory)
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Client{n}")
    email = factory.Sequence(lambda n: f"client{n}@example.org")
    phone = factory.Sequence(lambda n: f"+1403555{n:04d}")
    preferred_language = "en"
    # What the services maintain, so that factory-made records are found by the staff search.
    search_text = factory.LazyAttribute(
        lambda o: search_text_for(
            first_name=o.first_name, last_name=o.last_name, email=o.email, phone=o.phone
        )
    )


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    client = factory.SubFactory(ClientFactory)
    agency = factory.SelfAttribute("client.agency")
    kind = ReferralKind.EXTERNAL
    to_name = "LINC language classes"
    made_on = factory.Faker("past_date", start_date="-30d")


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    client = factory.SubFactory(ClientFactory)
    agency = factory.SelfAttribute("client.agency")
    body = "Met the client."
