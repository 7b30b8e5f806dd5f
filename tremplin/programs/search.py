"""Words for topic search: lower case, no accents, so "Résumé", "resume" and "RÉSUMÉS" meet."""

import re

from tremplin.core.text import fold

_WORD = re.compile(r"[a-z0-9]+")


def search_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def query_words(text: str, *, limit: int = 8) -> list[str]:
    """The words of a search, plural "s" dropped so "workshops" finds "workshop"."""
    words = []
    for word in search_words(text[:200]):
        if len(word) < 2:
            continue
        if len(word) > 3 and word.endswith("s"):
            word = word[:-1]
        if word not in words:
            words.append(word)
    return words[:limit]
