"""Reference lists used by the client record: occupations (NOC 2021), languages, countries.

- Occupations: `data/noc_2021_subset.csv` holds a SUBSET of the 516 NOC 2021 V1.0 unit groups:
  the 245 occupations most often held or sought by newcomer clients (all TEER levels, every
  broad category). English titles are the official class titles; French titles follow the
  CNP 2021 with the masculine/feminine pairs shortened. A code outside this list is refused
  as "unknown" — add a line to the file to accept another unit group.
- Languages: ISO 639-1 codes (plus a few ISO 639-3 codes with no two-letter code, such as Dari
  and Cantonese) that newcomers to Canada commonly speak, each with its own name, which is
  what the interface shows. Add a line to accept another language.
- Countries: ISO 3166 regions known to `phonenumbers`, named in English and French in
  `data/countries.csv` (taken once from that library's locale data, which costs half a second
  and about 100 MB per process to import).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tremplin.core.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Occupation:
    code: str
    title_en: str
    title_fr: str

    @property
    def teer(self) -> int:
        """TEER category: the second digit of a NOC 2021 unit-group code."""
        return int(self.code[1])

    def title(self, language: str) -> str:
        return self.title_fr if language.startswith("fr") else self.title_en


@cache
def noc_occupations() -> dict[str, Occupation]:
    with (DATA_DIR / "noc_2021_subset.csv").open(encoding="utf-8") as handle:
        return {row["code"]: Occupation(**row) for row in csv.DictReader(handle)}


def noc_get(code: str) -> Occupation | None:
    return noc_occupations().get(code)


def noc_search(query: str, *, limit: int = 12) -> list[Occupation]:
    """Occupations whose English or French title contains every word of the query."""
    words = [word for word in fold(query).split() if len(word) > 1]
    if not words:
        return []
    matches = []
    for occupation in noc_occupations().values():
        haystack = fold(f"{occupation.title_en} {occupation.title_fr}")
        if all(word in haystack for word in words):
            matches.append(occupation)
            if len(matches) >= limit:
                break
    return matches


# ISO 639 code → the language's own name.
LANGUAGES: dict[str, str] = {
    "af": "Afrikaans",
    "ak": "Akan",
    "am": "አማርኛ",
    "ar": "العربية",
    "az": "Azərbaycan dili",
    "be": "Беларуская",
    "bg": "Български",
    "bm": "Bamanankan",
    "bn": "বাংলা",
    "bo": "བོད་སྐད་",
    "bs": "Bosanski",
    "ca": "Català",
    "ceb": "Cebuano",
    "ckb": "کوردیی ناوەندی",
    "cs": "Čeština",
    "cy": "Cymraeg",
    "da": "Dansk",
    "de": "Deutsch",
    "dz": "རྫོང་ཁ",
    "el": "Ελληνικά",
    "en": "English",
    "eo": "Esperanto",
    "es": "Español",
    "et": "Eesti",
    "eu": "Euskara",
    "fa": "فارسی",
    "ff": "Fulfulde",
    "fi": "Suomi",
    "fil": "Filipino",
    "fr": "Français",
    "ga": "Gaeilge",
    "gu": "ગુજરાતી",
    "ha": "Hausa",
    "he": "עברית",
    "hi": "हिन्दी",
    "hr": "Hrvatski",
    "ht": "Kreyòl ayisyen",
    "hu": "Magyar",
    "hy": "Հայերեն",
    "id": "Bahasa Indonesia",
    "ig": "Igbo",
    "ilo": "Ilokano",
    "is": "Íslenska",
    "it": "Italiano",
    "iu": "ᐃᓄᒃᑎᑐᑦ",
    "ja": "日本語",
    "ka": "ქართული",
    "kk": "Қазақ тілі",
    "km": "ខ្មែរ",
    "kn": "ಕನ್ನಡ",
    "ko": "한국어",
    "ku": "Kurdî",
    "ky": "Кыргызча",
    "lg": "Luganda",
    "ln": "Lingála",
    "lo": "ລາວ",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "mg": "Malagasy",
    "mk": "Македонски",
    "ml": "മലയാളം",
    "mn": "Монгол",
    "mr": "मराठी",
    "ms": "Bahasa Melayu",
    "mt": "Malti",
    "my": "မြန်မာ",
    "ne": "नेपाली",
    "nl": "Nederlands",
    "no": "Norsk",
    "ny": "Chichewa",
    "om": "Afaan Oromoo",
    "pa": "ਪੰਜਾਬੀ",
    "pl": "Polski",
    "prs": "دری",
    "ps": "پښتو",
    "pt": "Português",
    "ro": "Română",
    "rn": "Ikirundi",
    "ru": "Русский",
    "rw": "Ikinyarwanda",
    "sd": "سنڌي",
    "si": "සිංහල",
    "sk": "Slovenčina",
    "sl": "Slovenščina",
    "sn": "chiShona",
    "so": "Soomaali",
    "sq": "Shqip",
    "sr": "Српски",
    "sv": "Svenska",
    "sw": "Kiswahili",
    "ta": "தமிழ்",
    "te": "తెలుగు",
    "tg": "Тоҷикӣ",
    "th": "ไทย",
    "ti": "ትግርኛ",
    "tk": "Türkmen",
    "tl": "Tagalog",
    "tr": "Türkçe",
    "tw": "Twi",
    "ug": "ئۇيغۇرچە",
    "uk": "Українська",
    "ur": "اردو",
    "uz": "Oʻzbekcha",
    "vi": "Tiếng Việt",
    "wo": "Wolof",
    "xh": "isiXhosa",
    "yi": "ייִדיש",
    "yo": "Yorùbá",
    "yue": "粵語",
    "zh": "中文",
    "zu": "isiZulu",
}


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


def language_choices() -> list[tuple[str, str]]:
    """English and French first (Canada's official languages), then by own name."""
    rest = sorted(
        (code for code in LANGUAGES if code not in {"en", "fr"}), key=lambda c: fold(LANGUAGES[c])
    )
    return [(code, LANGUAGES[code]) for code in ["en", "fr", *rest]]


@cache
def _countries() -> dict[str, tuple[str, str]]:
    """ISO 3166 code → (English name, French name)."""
    with (DATA_DIR / "countries.csv").open(encoding="utf-8") as handle:
        return {row["code"]: (row["name_en"], row["name_fr"]) for row in csv.DictReader(handle)}


def _region_name(region: str, language: str) -> str:
    names = _countries().get(region)
    if names is None:
        return region
    return names[1] if language == "fr" else names[0]


def country_choices(language: str) -> list[tuple[str, str]]:
    lang = "fr" if language.startswith("fr") else "en"
    named = [(region, _region_name(region, lang)) for region in _countries()]
    return sorted(named, key=lambda item: fold(item[1]))


def country_name(region: str, language: str) -> str:
    return _region_name(region, "fr" if language.startswith("fr") else "en") if region else ""


def is_country(region: str) -> bool:
    return region in _countries()
