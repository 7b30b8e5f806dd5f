"""Uploaded files: allow-listed by extension AND by content, served with a safe media type.

A file whose name says `.mp4` but whose bytes are HTML or SVG is refused, so nothing a staff
member uploads can run as a page in a client's browser. Files are stored under random names by
the models' `upload_to`, and served only through views that check who is asking.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Recordings: extension → the media type they are served with.
RECORDING_TYPES = {
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "m4a": "audio/mp4",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "wav": "audio/wav",
}
RECORDING_MAX_BYTES = 2 * 1024 * 1024 * 1024


def sniff(head: bytes) -> str:
    """The kind of file its first bytes show ("" when unknown)."""
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"}:
        return "mp3"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # docx, xlsx, pptx, odt…
    return ""


def looks_like_markup(head: bytes) -> bool:
    """HTML, SVG or XML: what a browser could render as a page with scripts."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") or any(
        marker in head.lower() for marker in (b"<script", b"<html", b"<svg", b"<!doctype")
    )


# What each allowed recording extension's bytes must look like.
_RECORDING_CONTENT = {
    "mp4": {"mp4"},
    "m4v": {"mp4"},
    "m4a": {"mp4"},
    "webm": {"webm"},
    "mp3": {"mp3"},
    "ogg": {"ogg"},
    "oga": {"ogg"},
    "wav": {"wav"},
}


def _head(upload: Any, size: int = 2048) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_recording_upload(upload: Any) -> None:
    """Raise ValidationError unless `upload` is an audio or video file of an allowed type."""
    extension = extension_of(upload.name or "")
    allowed = ", ".join(sorted(RECORDING_TYPES))
    if extension not in RECORDING_TYPES:
        raise ValidationError(
            _("This kind of file is not accepted. Use one of: %(types)s.") % {"types": allowed}
        )
    if upload.size > RECORDING_MAX_BYTES:
        raise ValidationError(_("The file is too large."))
    if sniff(_head(upload)) not in _RECORDING_CONTENT[extension]:
        raise ValidationError(
            _("The file's content is not an audio or video file of type %(type)s.")
            % {"type": extension}
        )


def refuse_markup(upload: Any) -> None:
    """Raise ValidationError when an upload's bytes are HTML, SVG or XML."""
    if looks_like_markup(_head(upload)):
        raise ValidationError(_("The file's content does not match its type."))


def recording_media_type(name: str) -> str | None:
    """The media type to serve a stored recording with; None: serve as a download."""
    return RECORDING_TYPES.get(extension_of(name))
