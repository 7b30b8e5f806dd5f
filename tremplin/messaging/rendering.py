"""Texts in the client's language: shipped EN/FR templates or the agency's own per type."""

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, translation

from tremplin.agencies.models import Agency
from tremplin.messaging.message_types import SHIPPED_LANGUAGES, SHIPPED_TEXTS
from tremplin.messaging.models import MessageTemplate

PLACEHOLDER = re.compile(r"\{(\w+)\}")
SPACES = re.compile(r"[ \t]+")


def format_when(moment: datetime, *, zone: ZoneInfo, language: str) -> str:
    with translation.override(language):
        local = moment.astimezone(zone)
        return f"{formats.date_format(local, 'DATE_FORMAT')}, {formats.time_format(local, 'TIME_FORMAT')}"


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace `{name}` by its value (unknown names: empty); nothing else is evaluated."""
    text = PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), template)
    return "\n".join(SPACES.sub(" ", line).strip() for line in text.strip().splitlines())


def context_strings(
    context: Mapping[str, object], *, zone: ZoneInfo, language: str
) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in context.items():
        if isinstance(value, datetime):
            values[name] = format_when(value, zone=zone, language=language)
        elif value is None:
            values[name] = ""
        else:
            with translation.override(language):
                values[name] = str(value)
    return values


class Templates:
    """The texts of one type for one agency, read once (one query) for many messages."""

    def __init__(self, *, agency: Agency, message_type: str) -> None:
        self.agency = agency
        self.message_type = message_type
        self.own = {
            template.language: template
            for template in MessageTemplate.objects.filter(agency=agency, message_type=message_type)
        }
        self.shipped: dict[str, tuple[str, str]] = {}

    def language_for(self, wanted: str) -> str:
        """The client's language when a text exists in it, else the agency's, else English."""
        for language in (wanted, self.agency.default_language, "en"):
            if language in self.own or language in SHIPPED_LANGUAGES:
                return language
        return "en"

    def render(self, language: str, values: Mapping[str, str]) -> tuple[str, str]:
        """(subject, text) in `language` with `values` filled in."""
        shipped_language = language if language in SHIPPED_LANGUAGES else "en"
        if shipped_language not in self.shipped:
            shipped_subject, shipped_body = SHIPPED_TEXTS[self.message_type]
            with translation.override(shipped_language):
                self.shipped[shipped_language] = (str(shipped_subject), str(shipped_body))
        subject_template, body_template = self.shipped[shipped_language]
        own = self.own.get(language)
        if own is not None:
            body_template = own.body
            subject_template = own.subject or subject_template
        return fill(subject_template, values)[:200], fill(body_template, values)
