from datetime import timedelta

import factory
from django.utils import timezone
from i18nfield.strings import LazyI18nString

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import AgencyFactory, member
from tremplin.employers.models import (
    Employer,
    EmployerContact,
    EmploymentType,
    EventEmployer,
    HiringEvent,
    JobPosting,
    MenteeRequest,
    MentorProfile,
    PostingStatus,
    SizeBand,
    TimeSlot,
    WorkMode,
)
from tremplin.programs.models import ServiceType
from tremplin.programs.tests.factories import SessionFactory


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Employer {n}")
    sector = "54"
    size_band = SizeBand.UNDER_500
    locations = "Calgary"


def employer_contact(*, employer: Employer, **user_fields: object):
    """A person who signs in with the employer role and acts for `employer`."""
    user = member(agency=employer.agency, role=Role.EMPLOYER, **user_fields)
    EmployerContact.objects.create(agency=employer.agency, employer=employer, user=user)
    return user


class JobPostingFactory(factory.django.DjangoModelFactory):
    """A published posting for software developers, closing in two weeks."""

    class Meta:
        model = JobPosting

    employer = factory.SubFactory(EmployerFactory)
    agency = factory.LazyAttribute(lambda o: o.employer.agency)
    title = LazyI18nString({"en": "Software developer", "fr": "Développeur de logiciels"})
    description = LazyI18nString({"en": "Build things.", "fr": "Construire des choses."})
    noc_code = "21232"
    city = "Calgary"
    work_mode = WorkMode.HYBRID
    employment_type = EmploymentType.FULL_TIME
    closing_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    status = PostingStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class HiringEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HiringEvent

    session = factory.SubFactory(SessionFactory, element__service_type=ServiceType.HIRING_EVENT)
    agency = factory.LazyAttribute(lambda o: o.session.agency)


class EventEmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventEmployer

    event = factory.SubFactory(HiringEventFactory)
    agency = factory.LazyAttribute(lambda o: o.event.agency)
    employer = factory.SubFactory(EmployerFactory, agency=factory.SelfAttribute("..agency"))
    table = "Table 1"


class TimeSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeSlot

    participant = factory.SubFactory(EventEmployerFactory)
    agency = factory.LazyAttribute(lambda o: o.participant.agency)
    starts_at = factory.LazyAttribute(lambda o: o.participant.event.session.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=15))
    capacity = 1


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    agency = factory.SubFactory(AgencyFactory)
    first_name = "Morgan"
    last_name = factory.Sequence(lambda n: f"Mentor{n}")
    noc_code = "21232"
    languages = ["en"]
    modes = ["online"]
    capacity = 1


class MenteeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenteeRequest

    client = factory.SubFactory("tremplin.clients.tests.factories.ClientFactory")
    agency = factory.LazyAttribute(lambda o: o.client.agency)
    noc_code = "21232"
    languages = ["en"]
    modes = ["online"]
