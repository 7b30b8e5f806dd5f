"""Text in the form in which names, titles and search queries are compared."""

import re
import unicodedata


def fold(text: str) -> str:
    """Lowercase without accents, spaces collapsed: "  Aïcha  DIALLO" → "aicha diallo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", stripped.casefold()).strip()
