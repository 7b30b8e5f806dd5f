"""The roles a person can hold, in an agency or in the network."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLIENT = "client", _("Client")
    FACILITATOR = "facilitator", _("Facilitator")
    COUNSELLOR = "counsellor", _("Counsellor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    EMPLOYER = "employer", _("Employer contact")


class NetworkRole(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("Network administrator")


STAFF_ROLES = frozenset({Role.FACILITATOR, Role.COUNSELLOR, Role.AGENCY_ADMIN})
