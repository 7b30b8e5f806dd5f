"""The rules a client record must follow, shared by the forms and the services."""

import re
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.clients.models import ArrivalStatus, Client, ContactChannel
from tremplin.clients.reference import LANGUAGES, is_country, noc_get
from tremplin.core.text import fold

PHONE_REGION = "CA"  # numbers typed without a country code are Canadian
POSTAL_AREA = re.compile(r"^[A-Z]\d[A-Z]$")

PHONE_INVALID = _("Enter a valid phone number, for example 403 555 0123 or +33 6 12 34 56 78.")


def normalise_phone(raw: str) -> str:
    """A phone number in E.164 form ("" stays ""); Canadian numbers may be typed locally."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if len(raw) > 30:
        raise ValidationError(PHONE_INVALID, code="invalid_phone")
    try:
        number = phonenumbers.parse(raw, PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(PHONE_INVALID, code="invalid_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(PHONE_INVALID, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_postal_area(raw: str) -> str:
    """The forward sortation area (first three characters) of a Canadian postal code."""
    compact = re.sub(r"\s+", "", (raw or "")).upper()
    if not compact:
        return ""
    if len(compact) not in (3, 6) or not POSTAL_AREA.match(compact[:3]):
        raise ValidationError(
            _("Enter a Canadian postal code or its first three characters, for example T2G."),
            code="invalid_postal",
        )
    return compact[:3]


def search_text_for(*, first_name: str, last_name: str, email: str, phone: str) -> str:
    """What the staff search matches: names and email folded, phone digits with and without country code."""
    digits = phone.lstrip("+")
    national = ""
    if phone:
        try:
            national = str(phonenumbers.parse(phone).national_number)
        except phonenumbers.NumberParseException:
            national = ""
    return " ".join(
        part for part in (fold(first_name), fold(last_name), fold(email), digits, national) if part
    )[:600]


def check_client_record(client: Client, *, today: date | None = None) -> None:
    """Raise ValidationError({field: message}) when the record breaks a rule; nothing is saved then."""
    today = today or timezone.localdate()
    errors: dict[str, list[ValidationError]] = {}

    def fail(field: str, message: object, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))  # type: ignore[arg-type]

    for field in ("first_name", "last_name"):
        if not (getattr(client, field) or "").strip():
            fail(field, _("This field is required."), "required")
    if client.phone:
        try:
            if normalise_phone(client.phone) != client.phone:
                fail("phone", PHONE_INVALID, "invalid_phone")
        except ValidationError:
            fail("phone", PHONE_INVALID, "invalid_phone")
    if client.birth_date and client.birth_date > today:
        fail("birth_date", _("The date of birth cannot be in the future."), "birth_future")
    if (
        client.arrival_status == ArrivalStatus.ARRIVED
        and client.arrival_date
        and client.arrival_date > today
    ):
        fail(
            "arrival_date",
            _("The arrival date cannot be in the future for a client who has already arrived."),
            "arrival_future",
        )
    if client.birth_date and client.arrival_date and client.birth_date > client.arrival_date:
        fail(
            "birth_date",
            _("The date of birth must be before the arrival date."),
            "birth_after_arrival",
        )
    if client.noc_code and noc_get(client.noc_code) is None:
        fail(
            "noc_code",
            _("%(code)s is not a known NOC 2021 code.") % {"code": client.noc_code},
            "unknown_noc",
        )
    if client.education_country and not is_country(client.education_country):
        fail("education_country", _("Choose a country from the list."), "invalid_country")
    if client.preferred_language not in LANGUAGES:
        fail("preferred_language", _("Choose a language from the list."), "invalid_language")
    if not isinstance(client.preferred_channels, list) or any(
        channel not in ContactChannel.values for channel in client.preferred_channels
    ):
        fail("preferred_channels", _("Choose contact channels from the list."), "invalid_channel")
    if client.postal_area and not POSTAL_AREA.match(client.postal_area):
        fail(
            "postal_area",
            _("Enter a Canadian postal code or its first three characters, for example T2G."),
            "invalid_postal",
        )
    if errors:
        raise ValidationError(errors)
