"""Text in the form in which names, titles and search queries are compared."""

import re
import unicodedata


def fold(text: str) -> str:
    """Lowercase without accents, spaces collapsed: "  Aïcha  DIALLO" → "aicha diallo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", stripped.casefold()).strip()


def csv_cell(value: object) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: defuse them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
