"""Text normalisation for chat and SMS messages (English and French shorthand).

Two forms: `for_embedding` keeps accents (the multilingual encoder knows them),
`for_lexical` also folds accents and apostrophes so "reunion", "réunion" and
"j'veux" meet the same character n-grams.
"""

from __future__ import annotations

import re
import unicodedata

# Shorthand seen in client SMS; expanded word by word, so "u" never touches "menu".
SMS_EXPANSIONS: dict[str, str] = {
    # English
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "pl": "please",
    "thx": "thanks",
    "thnx": "thanks",
    "tnx": "thanks",
    "ty": "thank you",
    "tq": "thank you",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "idk": "i don't know",
    "im": "i'm",
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "whats": "what's",
    "wats": "what's",
    "wat": "what",
    "wht": "what",
    "hw": "how",
    "abt": "about",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrow": "tomorrow",
    "2morrow": "tomorrow",
    "2day": "today",
    "2nite": "tonight",
    "tonite": "tonight",
    "nxt": "next",
    "b4": "before",
    "msg": "message",
    "txt": "text",
    "info": "information",
    "appt": "appointment",
    "wk": "week",
    "asap": "as soon as possible",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "w/": "with",
    "thru": "through",
    "ppl": "people",
    "sum1": "someone",
    "some1": "someone",
    "any1": "anyone",
    "pwd": "password",
    "resumee": "resume",
    # French
    "svp": "s'il vous plaît",
    "stp": "s'il te plaît",
    "slt": "salut",
    "bjr": "bonjour",
    "bsr": "bonsoir",
    "cc": "coucou",
    "mrc": "merci",
    "mci": "merci",
    "bcp": "beaucoup",
    "dsl": "désolé",
    "jveux": "je veux",
    "jpeux": "je peux",
    "jsuis": "je suis",
    "chu": "je suis",
    "chui": "je suis",
    "jsais": "je sais",
    "chais": "je sais",
    "jai": "j'ai",
    "jme": "je me",
    "jvais": "je vais",
    "cmt": "comment",
    "cmnt": "comment",
    "koi": "quoi",
    "qd": "quand",
    "qnd": "quand",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "ds": "dans",
    "tjs": "toujours",
    "tt": "tout",
    "mtn": "maintenant",
    "rdv": "rendez-vous",
    "auj": "aujourd'hui",
    "ajd": "aujourd'hui",
    "dmn": "demain",
    "qqn": "quelqu'un",
    "qqch": "quelque chose",
    "ya": "il y a",
    "kel": "quel",
    "kelle": "quelle",
    "ke": "que",
    "ki": "qui",
    "c": "c'est",
    "cé": "c'est",
    "bin": "bien",
    "oké": "ok",
    "vs": "vous",
    "ns": "nous",
    "dispo": "disponible",
}

# Word with its surrounding punctuation; split on spaces only, because Python's
# \w excludes the vowel signs of Gurmukhi, Devanagari, Arabic diacritics...
_EDGES = re.compile(r"^([^\w/']*)(.*?)([^\w/']*)$", re.UNICODE | re.DOTALL)
_REPEATS = re.compile(r"([^\W\d])\1{2,}", re.UNICODE)  # three or more: "heyyy", "merciii"
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def _expand(text: str) -> str:
    words = []
    for token in text.split():
        match = _EDGES.match(token)
        assert match is not None  # the pattern matches any string
        before, core, after = match.groups()
        words.append(before + SMS_EXPANSIONS.get(core, core) + after)
    return " ".join(words)


def for_embedding(text: str) -> str:
    """Lowercase, collapse stretched letters and expand SMS shorthand."""
    text = unicodedata.normalize("NFC", text.translate(_APOSTROPHES)).lower()
    text = _REPEATS.sub(r"\1", text)
    return _SPACES.sub(" ", _expand(text)).strip()


def fold_accents(text: str) -> str:
    """Strip Latin diacritics only: vowel signs of other scripts are letters."""
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and "LATIN" in unicodedata.name(kept[-1], ""):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def for_lexical(text: str) -> str:
    """Embedding form, accent-folded, with French elisions split ("j'ai" -> "j ai")."""
    return fold_accents(for_embedding(text)).replace("'", " ")
