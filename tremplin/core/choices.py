"""Choices that more than one capability speaks of."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryMode(models.TextChoices):
    """How a service is delivered, and which mode the digital assessment recommends."""

    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid (in person and online)")
    ONLINE = "online", _("Online")
