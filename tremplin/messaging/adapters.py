"""Outbound adapters: one small object per channel that sends a text and returns a message id.

The default adapter writes each message as a JSON line under `<TREMPLIN_DATA_DIR>/var/outbox/`
and sends nothing outside, so the demo and the tests are safe. Settings choose a real provider
per channel (`MESSAGING_SMS_BACKEND`, `MESSAGING_WHATSAPP_BACKEND`: "file" or "twilio").
A new channel (Signal, Telegram…) is one more class with the same `send` method.
"""

import json
import threading
import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tremplin.messaging.models import Channel


class AdapterError(Exception):
    """The provider refused or could not be reached; the message is marked failed."""


class OutboundAdapter(Protocol):
    channel: str

    def send(self, *, to: str, text: str, language: str) -> str:
        """Send `text` to `to`; return the provider's message id or raise AdapterError."""
        ...


class FileAdapter:
    """Appends to var/outbox/<channel>.jsonl: nothing leaves the machine."""

    _lock = threading.Lock()

    def __init__(self, channel: str) -> None:
        self.channel = channel

    @property
    def path(self) -> Path:
        return Path(settings.MESSAGING_OUTBOX_DIR) / f"{self.channel}.jsonl"

    def send(self, *, to: str, text: str, language: str) -> str:
        message_id = f"file-{uuid.uuid4().hex}"
        line = {
            "id": message_id,
            "channel": self.channel,
            "to": to,
            "language": language,
            "text": text,
            "at": timezone.now().isoformat(),
        }
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as outbox:
                outbox.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message_id


class TwilioAdapter:
    """SMS or WhatsApp through Twilio's REST API (WhatsApp numbers carry a "whatsapp:" prefix)."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.prefix = "whatsapp:" if channel == Channel.WHATSAPP else ""

    def send(self, *, to: str, text: str, language: str) -> str:
        from twilio.base.exceptions import TwilioException
        from twilio.rest import Client

        if not (
            settings.TWILIO_ACCOUNT_SID
            and settings.TWILIO_AUTH_TOKEN
            and settings.TWILIO_FROM_NUMBER
        ):
            raise AdapterError(
                "Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER)."
            )
        try:
            message = Client(
                settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
            ).messages.create(
                to=f"{self.prefix}{to}",
                from_=f"{self.prefix}{settings.TWILIO_FROM_NUMBER}",
                body=text,
            )
        except TwilioException as error:
            raise AdapterError(str(error)[:400]) from error
        return str(message.sid)


class EmailAdapter:
    """Email through Django's configured EMAIL_BACKEND."""

    channel: str = Channel.EMAIL

    def send(self, *, to: str, text: str, language: str) -> str:
        with translation.override(language):
            subject = _("A message from your employment agency")
        try:
            send_mail(subject, text, None, [to])
        except OSError as error:
            raise AdapterError(str(error)[:400]) from error
        return f"email-{uuid.uuid4().hex}"


def _backend_setting(channel: str) -> str:
    backends: dict[str, str] = {
        Channel.SMS: settings.MESSAGING_SMS_BACKEND,
        Channel.WHATSAPP: settings.MESSAGING_WHATSAPP_BACKEND,
    }
    return backends.get(channel, "file")


def get_adapter(channel: str) -> OutboundAdapter:
    if channel == Channel.EMAIL:
        return EmailAdapter()
    if channel not in (Channel.SMS, Channel.WHATSAPP):
        raise ValueError(f"No outbound adapter for channel {channel!r}.")
    backend = _backend_setting(channel)
    if backend == "twilio":
        return TwilioAdapter(channel)
    if backend == "file":
        return FileAdapter(channel)
    raise ValueError(f"Unknown messaging backend {backend!r} for {channel} (use file or twilio).")


SENDABLE_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP, Channel.EMAIL})
