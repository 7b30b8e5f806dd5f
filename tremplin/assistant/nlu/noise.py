"""Keyboard mash and other "no real words" messages ("asdfghjkl", "jkjkjkjk", "ㅋㅋㅋ").

Sentence encoders map such strings somewhere arbitrary (often next to short
greetings), so they are caught before classification, character by character.
The rules know about scripts: the vowel test applies to Latin letters only
(Arabic, Gurmukhi, Han... words have no Latin vowels), and keyboard rows cover
the Latin, Cyrillic and Arabic-script layouts clients type on.
A message is noise only when every word in it is; one real word is enough
for the classifier to decide.
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise

# Rows of common layouts (QWERTY, AZERTY, QWERTZ, Russian, Ukrainian, Arabic, Persian).
KEYBOARD_ROWS: tuple[str, ...] = (
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qwertzuiop",
    "yxcvbnm",
    "йцукенгшщзхъ",
    "фывапролджэ",
    "ячсмитьбю",
    "йцукенгшщзхї",
    "фівапролджє",
    "ضصثقفغعهخحجد",
    "شسيبلاتنمكط",
    "ئءؤرلاىةوزظ",
    "ضصثقفغعهخحجچ",
    "شسیبلاتنمکگ",
    "ظطزرذدپو",
)
LATIN_VOWELS = set("aeiouy")
MIN_MASH_LENGTH = 5  # keyboard runs shorter than this are often real words ("were")
MIN_NO_VOWEL_LENGTH = 4  # "pls", "thx", "rdv" are shorthand, not noise


def _adjacent_pairs() -> set[tuple[str, str]]:
    pairs = set()
    for row in KEYBOARD_ROWS:
        for left, right in pairwise(row):
            pairs.add((left, right))
            pairs.add((right, left))
    return pairs


_ADJACENT = _adjacent_pairs()


def _is_latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def _fold(char: str) -> str:
    return unicodedata.normalize("NFD", char)[0]


def _periodic(word: str) -> bool:
    """One character four times or more, or a two-character unit three times or more."""
    if len(word) >= 4 and len(set(word)) == 1:
        return True
    unit = word[:2]
    return len(word) >= 6 and len(set(unit)) == 2 and (unit * len(word))[: len(word)] == word


def _keyboard_run(word: str) -> bool:
    if len(word) < MIN_MASH_LENGTH:
        return False
    adjacent = sum((a, b) in _ADJACENT for a, b in pairwise(word))
    return adjacent >= 0.8 * (len(word) - 1)


def _no_latin_vowel(word: str) -> bool:
    return (
        len(word) >= MIN_NO_VOWEL_LENGTH
        and all(_is_latin(char) for char in word)
        and not any(_fold(char) in LATIN_VOWELS for char in word)
    )


def _jamo_only(word: str) -> bool:
    """Bare Hangul consonants/vowels ("ㅋㅋ", "ㅠㅠ"): reactions, not words."""
    return all(
        "HANGUL LETTER" in unicodedata.name(char, "")
        and "SYLLABLE" not in unicodedata.name(char, "")
        for char in word
    )


def noise_word(word: str) -> bool:
    return _periodic(word) or _keyboard_run(word) or _no_latin_vowel(word) or _jamo_only(word)


def is_noise(text: str) -> bool:
    """True when the message has letters and none of its words looks like a word."""
    words = []
    for token in unicodedata.normalize("NFC", text.lower()).split():
        letters = "".join(char for char in token if char.isalpha())
        if letters:
            words.append(letters)
    return bool(words) and all(noise_word(word) for word in words)
