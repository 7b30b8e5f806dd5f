"""Turning what authors type into safe HTML, and video links into embeddable ones."""

from urllib.parse import parse_qs, urlsplit

import markdown
import nh3

# What lesson text may contain once rendered: structure and links, nothing that runs.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised: scripts, event handlers and javascript: links are dropped.

    Raw HTML in the Markdown passes through the Markdown step untouched, so the sanitiser is what
    makes the result safe; it runs on every save and every import.
    """
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def video_embed_url(url: str) -> str:
    """A privacy-friendly embed address for YouTube and Vimeo links; "" for other sites (link only)."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return ""
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    segments = [segment for segment in parts.path.split("/") if segment]
    if host == "youtu.be" and segments:
        return _youtube(segments[0])
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if parts.path == "/watch":
            return _youtube(parse_qs(parts.query).get("v", [""])[0])
        if len(segments) >= 2 and segments[0] in {"embed", "shorts"}:
            return _youtube(segments[1])
    if host in {"vimeo.com", "player.vimeo.com"} and segments and segments[-1].isdigit():
        return f"https://player.vimeo.com/video/{segments[-1]}"
    return ""


def _youtube(video_id: str) -> str:
    is_token = 0 < len(video_id) <= 32 and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in video_id
    )
    return f"https://www.youtube-nocookie.com/embed/{video_id}" if is_token else ""
