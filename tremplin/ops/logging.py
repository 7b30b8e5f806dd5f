"""Keep search terms and personal data out of logs.

`RedactPersonalData` is a logging filter on every handler (see LOGGING in settings, and the
gunicorn logger class below): query strings (where search terms travel), e-mail addresses and
phone-number-like digit runs are replaced before a line is written, in the message and in the
traceback text.
"""

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

QUERY = re.compile(r"\?[^\s\"']*")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 9 or more digits, possibly split by spaces, dots, dashes or brackets, with an optional "+".
PHONE = re.compile(r"(?<![\w/])\+?\(?\d(?:[\s.\-()]*\d){8,}")


# Dates, times and IPv4 addresses (127.0.0.1:8000) are not phone numbers: kept as they are.
KEEP = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"  # dates and times
    r"|\b\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)(?::\d+)?"  # IPv4 addresses (with a port)
)


def _phone_or_kept(match: re.Match[str]) -> str:
    return match.group(0) if match.group("keep") else "[number]"


PHONE_OR_KEPT = re.compile(f"(?P<keep>{KEEP.pattern})|{PHONE.pattern}")


def redact(text: str) -> str:
    text = QUERY.sub("?[redacted]", text)
    text = EMAIL.sub("[email]", text)
    return PHONE_OR_KEPT.sub(_phone_or_kept, text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw text, redacted
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with the same filter on its error and access logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactPersonalData())
