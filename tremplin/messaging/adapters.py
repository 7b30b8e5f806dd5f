"""Outbound adapters: one small object per channel that sends a text and returns a message id.

The default adapter writes each message as a JSON line under `<TREMPLIN_DATA_DIR>/var/outbox/`
and sends nothing outside, so the demo and the tests are safe. Settings choose a real provider
per channel (`MESSAGING_SMS_BACKEND`, `MESSAGING_WHATSAPP_BACKEND`: "file" or "twilio";
`MESSAGING_EMAIL_BACKEND`: "django" (Django's EMAIL_BACKEND) or "file").
A new channel (Signal, Telegram…) is one more class with the same `send` and `lookup` methods.

Every send carries an idempotency key (message id + attempt). `lookup(key)` answers whether the
provider already accepted that key: a worker that died between the provider's answer and its
commit leaves the row "in doubt", and the next worker asks before sending again.
"""

import json
import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.utils import timezone

from tremplin.messaging.models import Channel

E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class AdapterError(Exception):
    """The provider refused or could not be reached.

    `permanent`: trying again will not help (bad number, not configured): the message fails and
    the next channel is tried; otherwise the worker retries later with back-off.
    """

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.permanent = permanent


class OutboundAdapter(Protocol):
    channel: str

    def send(
        self, *, to: str, text: str, language: str, subject: str = "", key: str = "", **extra: str
    ) -> str:
        """Send `text` to `to`; return the provider's message id or raise AdapterError."""
        ...

    def lookup(self, key: str) -> str | None:
        """The provider's id of an earlier send with this idempotency key, if it knows one."""
        ...


def address_problem(channel: str, to: str) -> str | None:
    """Why `to` cannot receive on `channel` (a permanent failure), or None."""
    if not to:
        return "no address"
    if channel in (Channel.SMS, Channel.WHATSAPP) and not E164.match(to):
        return f"not a valid phone number: {to[:30]!r}"
    if channel == Channel.EMAIL:
        try:
            validate_email(to)
        except ValidationError:
            return "not a valid email address"
    return None


class FileAdapter:
    """Appends to var/outbox/<channel>.jsonl: nothing leaves the machine."""

    _lock = threading.Lock()

    def __init__(self, channel: str) -> None:
        self.channel = channel

    @property
    def path(self) -> Path:
        return Path(settings.MESSAGING_OUTBOX_DIR) / f"{self.channel}.jsonl"

    def send(
        self, *, to: str, text: str, language: str, subject: str = "", key: str = "", **extra: str
    ) -> str:
        delay = float(getattr(settings, "MESSAGING_FILE_DELAY", 0) or 0)
        if delay:
            time.sleep(delay)  # stands in for a provider's latency (crash-recovery tests)
        message_id = f"file-{uuid.uuid4().hex}"
        line = {
            "id": message_id,
            "key": key,
            "channel": self.channel,
            "to": to,
            "language": language,
            "text": text,
            "at": timezone.now().isoformat(),
        }
        if subject:
            line["subject"] = subject
        if extra.get("content_sid"):  # what a provider would get: an approved template
            line["template"] = extra["content_sid"]
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode()
        with self._lock:
            # One write() on an O_APPEND file: lines of concurrent workers never interleave.
            os.write(self._descriptor(), data)
        return message_id

    _descriptors: dict[str, int] = {}

    def _descriptor(self) -> int:
        """The outbox file, opened once per process (opening it per message cost more than
        the write); reopened when it was moved or deleted."""
        path = str(self.path)
        descriptor = self._descriptors.get(path)
        if descriptor is not None and os.path.exists(path):
            return descriptor
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._descriptors[path] = descriptor
        return descriptor

    def lookup(self, key: str) -> str | None:
        if not key or not self.path.exists():
            return None
        needle = json.dumps(key)
        with self.path.open(encoding="utf-8", errors="replace") as outbox:
            for raw in outbox:
                if needle not in raw:
                    continue
                try:
                    line = json.loads(raw)
                except ValueError:
                    continue  # a line cut by a crash
                if line.get("key") == key:
                    return str(line["id"])
        return None


def _twilio_temporary(error: Exception) -> bool:
    status = getattr(error, "status", None)
    return status is None or status == 429 or status >= 500


def whatsapp_template(message_type: str) -> str:
    """The approved WhatsApp template (Twilio content SID) for this type; "" when none.

    `TWILIO_WHATSAPP_TEMPLATES` names one per type; `TWILIO_WHATSAPP_CONTENT_SID` serves the
    types not listed. The rendered text is the template's variable {{1}}.
    """
    templates: dict[str, str] = getattr(settings, "TWILIO_WHATSAPP_TEMPLATES", {})
    return str(templates.get(message_type) or getattr(settings, "TWILIO_WHATSAPP_CONTENT_SID", ""))


class TwilioAdapter:
    """SMS or WhatsApp through Twilio's REST API (WhatsApp numbers carry a "whatsapp:" prefix).

    Outside WhatsApp's 24-hour window the outbox passes `content_sid` (an approved template,
    see `whatsapp_template`): the rendered text goes as its variable {{1}}; otherwise free text.
    """

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.prefix = "whatsapp:" if channel == Channel.WHATSAPP else ""

    def send(
        self, *, to: str, text: str, language: str, subject: str = "", key: str = "", **extra: str
    ) -> str:
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
        options: dict[str, str] = {
            "to": f"{self.prefix}{to}",
            "from_": f"{self.prefix}{settings.TWILIO_FROM_NUMBER}",
        }
        content_sid = extra.get("content_sid", "")
        if self.prefix and content_sid:
            options["content_sid"] = content_sid
            options["content_variables"] = json.dumps({"1": text})
        else:
            options["body"] = text
        if extra.get("status_callback"):
            options["status_callback"] = extra["status_callback"]
        try:
            message = Client(
                settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
            ).messages.create(**options)
        except TwilioException as error:
            raise AdapterError(str(error)[:400], permanent=not _twilio_temporary(error)) from error
        except OSError as error:  # network
            raise AdapterError(str(error)[:400], permanent=False) from error
        return str(message.sid)

    def lookup(self, key: str) -> str | None:
        # Twilio's Messages API has no idempotency key to query; a row left in doubt by a dead
        # worker is sent again (at least once). See docs/messaging.md.
        return None


class EmailAdapter:
    """Email through Django's configured EMAIL_BACKEND (SMTP, or django-anymail's providers).

    With an anymail backend the provider's message id is returned, so that its delivery
    webhooks (delivered, bounced, complained) find the message (services.email_event_apply).
    """

    channel: str = Channel.EMAIL

    def send(
        self, *, to: str, text: str, language: str, subject: str = "", key: str = "", **extra: str
    ) -> str:
        import smtplib

        from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
        from django.utils import translation
        from django.utils.translation import gettext as _

        if not subject:
            with translation.override(language):
                subject = _("A message from your employment agency")
        email = EmailMessage(subject, text, None, [to], headers={"X-Tremplin-Key": key})
        email.metadata = {"tremplin_key": key}  # type: ignore[attr-defined]  # anymail sends it
        try:
            email.send()
        except (smtplib.SMTPRecipientsRefused, AnymailRecipientsRefused) as error:
            raise AdapterError(str(error)[:400]) from error
        except AnymailAPIError as error:
            status = error.status_code or 0
            raise AdapterError(
                str(error)[:400], permanent=400 <= status < 500 and status != 429
            ) from error
        except (OSError, AnymailError) as error:
            raise AdapterError(str(error)[:400], permanent=False) from error
        status = getattr(email, "anymail_status", None)
        if status is not None and status.message_id is not None:
            return str(status.message_id)[:100]
        return f"email-{uuid.uuid4().hex}"

    def lookup(self, key: str) -> str | None:
        return None


def _backend_setting(channel: str) -> str:
    backends: dict[str, str] = {
        Channel.SMS: settings.MESSAGING_SMS_BACKEND,
        Channel.WHATSAPP: settings.MESSAGING_WHATSAPP_BACKEND,
        Channel.EMAIL: getattr(settings, "MESSAGING_EMAIL_BACKEND", "django"),
    }
    return backends.get(channel, "file")


def get_adapter(channel: str) -> OutboundAdapter:
    if channel not in SENDABLE_CHANNELS:
        raise ValueError(f"No outbound adapter for channel {channel!r}.")
    backend = _backend_setting(channel)
    if channel == Channel.EMAIL and backend == "django":
        return EmailAdapter()
    if backend == "twilio" and channel != Channel.EMAIL:
        return TwilioAdapter(channel)
    if backend == "file":
        return FileAdapter(channel)
    raise ValueError(f"Unknown messaging backend {backend!r} for {channel} (use file or twilio).")


SENDABLE_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP, Channel.EMAIL})
