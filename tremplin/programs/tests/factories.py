from datetime import timedelta

import factory
from django.utils import timezone
from i18nfield.strings import LazyI18nString

from tremplin.agencies.tests.factories import AgencyFactory, LocationFactory
from tremplin.programs.models import (
    DeliveryMode,
    Program,
    Recording,
    ServiceElement,
    ServiceType,
    Session,
)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    agency = factory.SubFactory(AgencyFactory)
    network = factory.LazyAttribute(lambda o: o.agency.network)
    title = LazyI18nString({"en": "Employment essentials", "fr": "L'essentiel de l'emploi"})


class ServiceElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceElement

    program = factory.SubFactory(ProgramFactory)
    agency = factory.LazyAttribute(lambda o: o.program.agency)
    service_type = ServiceType.WORKSHOP
    title = LazyI18nString({"en": "Workshop", "fr": "Atelier"})


class SessionFactory(factory.django.DjangoModelFactory):
    """A hybrid session in three days with 10 seats in each mode, registration open."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    element = factory.SubFactory(ServiceElementFactory)
    agency = factory.LazyAttribute(lambda o: o.element.agency)
    title = LazyI18nString({"en": "Resume writing workshop", "fr": "Atelier de rédaction de CV"})
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    delivery_mode = DeliveryMode.HYBRID
    in_person_capacity = 10
    location = factory.SubFactory(LocationFactory, agency=factory.SelfAttribute("..agency"))
    online_capacity = 10
    join_url = factory.Sequence(lambda n: f"https://meet.jit.si/tremplin-test-{n}")


class RecordingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recording

    session = factory.SubFactory(SessionFactory)
    agency = factory.LazyAttribute(lambda o: o.session.agency)
    title = LazyI18nString({"en": "Recording", "fr": "Enregistrement"})
    url = "https://videos.example.org/recording-1"
