import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from i18nfield.strings import LazyI18nString

from tremplin.accounts.models import User
from tremplin.agencies.models import (
    Agency,
    Location,
    LocationKind,
    Membership,
    Network,
    NetworkMembership,
)
from tremplin.agencies.roles import NetworkRole, Role

TEST_PASSWORD = "correct-horse-battery-staple"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ["slug"]

    slug = "test-network"
    name = LazyI18nString({"en": "Test Network", "fr": "Réseau test"})


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    network = factory.SubFactory(NetworkFactory)
    slug = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.LazyAttribute(
        lambda o: LazyI18nString({"en": f"Agency {o.slug}", "fr": f"Agence {o.slug}"})
    )
    province = "AB"
    time_zone = "America/Edmonton"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    agency = factory.SubFactory(AgencyFactory)
    name = LazyI18nString({"en": "Downtown", "fr": "Centre-ville"})
    kind = LocationKind.URBAN
    city = "Calgary"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CLIENT


def member(*, agency: Agency, role: str, totp: bool | None = None, **user_fields: object) -> User:
    """A person with `role` in `agency`; staff get TOTP set up, as the platform requires."""
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, agency=agency, role=role)
    if totp if totp is not None else role in {Role.FACILITATOR, Role.COUNSELLOR, Role.AGENCY_ADMIN}:
        TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def network_admin(*, network: Network, **user_fields: object) -> User:
    user = UserFactory(**user_fields)
    NetworkMembership.objects.create(user=user, network=network, role=NetworkRole.NETWORK_ADMIN)
    TOTP.activate(user, TEST_TOTP_SECRET)
    return user
