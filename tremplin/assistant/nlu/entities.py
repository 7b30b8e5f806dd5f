"""Entities in English and French messages: delivery mode, session topic, dates.

Plain regular expressions on accent-folded text: a handful of patterns cover
what clients write about sessions ("next Tuesday evening", "mardi prochain",
"le 3 mars") in well under a millisecond, where dateparser takes several.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from tremplin.assistant.nlu.normalize import fold_accents, for_embedding

# Canonical value -> phrases (accent-folded, lowercase). Order matters for ties.
MODES: dict[str, tuple[str, ...]] = {
    "hybrid": ("hybrid", "hybride"),
    "online": (
        "online",
        "on line",
        "on-line",
        "en ligne",
        "virtual",
        "virtually",
        "virtuel",
        "virtuelle",
        "zoom",
        "teams",
        "video call",
        "by video",
        "par video",
        "en video",
        "remote",
        "remotely",
        "a distance",
        "from home",
        "de chez moi",
        "webinar",
        "webinaire",
        # other languages (accent-folded Latin)
        "en linea",
        "virtual",
        "a distancia",
        "em linha",
        "on-line",
        "trực tuyến",
        "truc tuyen",
        "onlayn",
        "онлайн",
        "дистанційно",
        "آنلاین",
        "انلاین",
        "عبر الإنترنت",
        "اونلاين",
        "أونلاين",
        "عن بعد",
        "آن لائن",
        "ऑनलाइन",
        "ਔਨਲਾਈਨ",
        "ਆਨਲਾਈਨ",
        "线上",
        "在线",
        "網上",
        "온라인",
        "비대면",
        "ብኦንላይን",
        "ኦንላይን",
    ),
    "in_person": (
        "in person",
        "in-person",
        "en personne",
        "presentiel",
        "face to face",
        "face-to-face",
        "sur place",
        "on site",
        "on-site",
        "at the office",
        "au bureau",
        "in the room",
        # other languages
        "en persona",
        "presencial",
        "presencialmente",
        "pessoalmente",
        "trực tiếp",
        "truc tiep",
        "nang personal",
        "особисто",
        "حضوری",
        "حضوريا",
        "حضوريًا",
        "حضوري",
        "شخصيا",
        "خود آ کر",
        "व्यक्तिगत रूप से",
        "खुद आकर",
        "ਖੁਦ ਆ ਕੇ",
        "现场",
        "線下",
        "线下",
        "대면",
        "adigoo jooga",
        "ብኣካል",
    ),
}
TOPICS: dict[str, tuple[str, ...]] = {
    "hiring_event": (
        "hiring event",
        "job fair",
        "career fair",
        "salon de l emploi",
        "salon d emploi",
        "foire d emploi",
        "foire de l emploi",
        "evenement de recrutement",
        "evenement d embauche",
        # es, pt, ar, fa, uk, pa (Chinese runs without spaces: "招聘会" is read by meaning)
        "feria de empleo",
        "ferias de empleo",
        "feria laboral",
        "evento de contratacion",
        "eventos de contratacion",
        "feira de emprego",
        "معرض التوظيف",
        "معرض توظيف",
        "معارض التوظيف",
        "معرض وظائف",
        "نمایشگاه کار",
        "نمایشگاه شغلی",
        "ярмарок вакансій",
        "ярмарку вакансій",
        "ярмарки вакансій",
        "ਨੌਕਰੀ ਮੇਲਾ",
        "ਨੌਕਰੀ ਮੇਲੇ",
        "ਰੁਜ਼ਗਾਰ ਮੇਲਾ",
    ),
    "resume": (
        "resume",
        "cover letter",
        "cv",
        "curriculum",
        "lettre de presentation",
        "lettre de motivation",
    ),
    "interview": ("interview", "entrevue", "entretien"),
    "networking": ("networking", "network", "reseautage", "peer circle", "cercle"),
    "mentoring": ("mentor", "mentoring", "mentorship", "mentorat"),
    "job_search": (
        "job search",
        "job-search",
        "recherche d emploi",
        "find a job",
        "trouver un emploi",
    ),
    "intake": (
        "intake",
        "needs assessment",
        "first appointment",
        "rendez-vous d accueil",
        "evaluation des besoins",
        "premier rendez-vous",
    ),
    "digital_skills": (
        "digital skills",
        "computer",
        "competences numeriques",
        "informatique",
        "ordinateur",
    ),
    "workplace_communication": (
        "workplace communication",
        "workplace culture",
        "communication at work",
        "communication au travail",
        "culture du milieu de travail",
        "communication en milieu de travail",
    ),
}

WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "lundi": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "mardi": 1,
    "wednesday": 2,
    "wed": 2,
    "mercredi": 2,
    "thursday": 3,
    "thurs": 3,
    "thu": 3,
    "jeudi": 3,
    "friday": 4,
    "fri": 4,
    "vendredi": 4,
    "saturday": 5,
    "sat": 5,
    "samedi": 5,
    "sunday": 6,
    "sun": 6,
    "dimanche": 6,
    # other languages: es, pt, tl, vi, uk, fa, ar, ur, hi, zh, ko
    "lunes": 0,
    "martes": 1,
    "miercoles": 2,
    "jueves": 3,
    "viernes": 4,
    "sabado": 5,
    "domingo": 6,
    "segunda": 0,
    "terca": 1,
    "quarta": 2,
    "quinta": 3,
    "sexta": 4,
    "lunes po": 0,
    "martes po": 1,
    "miyerkules": 2,
    "huwebes": 3,
    "biyernes": 4,
    "sabado po": 5,
    "thu hai": 0,
    "thu ba": 1,
    "thu tu": 2,
    "thu nam": 3,
    "thu sau": 4,
    "thu bay": 5,
    "chu nhat": 6,
    "понеділок": 0,
    "вівторок": 1,
    "середа": 2,
    "середу": 2,
    "четвер": 3,
    "пятниця": 4,
    "п'ятницю": 4,
    "пятницю": 4,
    "субота": 5,
    "суботу": 5,
    "неділя": 6,
    "неділю": 6,
    "دوشنبه": 0,
    "سه شنبه": 1,
    "سه‌شنبه": 1,
    "چهارشنبه": 2,
    "پنجشنبه": 3,
    "جمعه": 4,
    "شنبه": 5,
    "یکشنبه": 6,
    "الاثنين": 0,
    "الثلاثاء": 1,
    "الأربعاء": 2,
    "الخميس": 3,
    "الجمعة": 4,
    "السبت": 5,
    "الأحد": 6,
    "پیر": 0,
    "منگل": 1,
    "بدھ": 2,
    "جمعرات": 3,
    "ہفتہ": 5,
    "اتوار": 6,
    "सोमवार": 0,
    "मंगलवार": 1,
    "बुधवार": 2,
    "गुरुवार": 3,
    "शुक्रवार": 4,
    "शनिवार": 5,
    "रविवार": 6,
    "星期一": 0,
    "星期二": 1,
    "星期三": 2,
    "星期四": 3,
    "星期五": 4,
    "星期六": 5,
    "星期日": 6,
    "周一": 0,
    "周二": 1,
    "周三": 2,
    "周四": 3,
    "周五": 4,
    "周六": 5,
    "周日": 6,
    "월요일": 0,
    "화요일": 1,
    "수요일": 2,
    "목요일": 3,
    "금요일": 4,
    "토요일": 5,
    "일요일": 6,
    # Tagalog (Spanish-derived), Punjabi, Somali (bare and definite), Tigrinya, Urdu Friday,
    # Ukrainian genitive ("наступного вівторка") and the apostrophe the text loses.
    "linggo": 6,
    "ਸੋਮਵਾਰ": 0,
    "ਮੰਗਲਵਾਰ": 1,
    "ਬੁੱਧਵਾਰ": 2,
    "ਵੀਰਵਾਰ": 3,
    "ਸ਼ੁੱਕਰਵਾਰ": 4,
    "ਸ਼ਨੀਵਾਰ": 5,
    "ਐਤਵਾਰ": 6,
    "isniin": 0,
    "isniinta": 0,
    "talaado": 1,
    "talaadada": 1,
    "arbaco": 2,
    "arbacada": 2,
    "khamiis": 3,
    "khamiista": 3,
    "jimco": 4,
    "jimce": 4,
    "jimcaha": 4,
    "sabti": 5,
    "sabtida": 5,
    "axad": 6,
    "axadda": 6,
    "ሰኑይ": 0,
    "ሰሉስ": 1,
    "ሠሉስ": 1,
    "ረቡዕ": 2,
    "ሓሙስ": 3,
    "ዓርቢ": 4,
    "ቀዳም": 5,
    "ሰንበት": 6,
    "جمعہ": 4,
    "понеділка": 0,
    "вівторка": 1,
    "середи": 2,
    "четверга": 3,
    "п ятниця": 4,
    "п ятницю": 4,
    "п ятниці": 4,
    "пятниці": 4,
    "суботи": 5,
    "неділі": 6,
}
# "next <weekday>" in the reply languages, before or after the weekday (accent-folded). When
# the coming <weekday> is still in this week, it may mean that day or the one a week later:
# the assistant asks (`date_choices`). English "next" usually means the later one, the other
# languages' words the coming one: that is the reading used until the client answers.
NEXT_BEFORE = (
    "next",
    "el proximo",
    "el proximo dia",
    "proximo",
    "proxima",
    "na proxima",
    "sa susunod na",
    "susunod na",
    "наступного",
    "наступний",
    "наступну",
    "наступної",
    "у наступний",
    "अगले",
    "अगला",
    "ਅਗਲੇ",
    "ਅਗਲਾ",
    "اگلے",
    "اگلا",
    "다음",
    "ዝመጽእ",
    "ዝመጽኣ",
)
NEXT_AFTER = (
    "prochain",
    "prochaine",
    "que viene",
    "que vem",
    "qui vient",
    "القادم",
    "القادمة",
    "المقبل",
    "المقبلة",
    "الجاي",
    "آینده",
    "بعدی",
    "toi",
    "soo socda",
    "soo socota",
)
# "<weekday> of next week": the week after this one, whatever day it is said.
NEXT_WEEK_BEFORE = (
    "下",
    "下个",
    "下個",
    "다음 주",
    "다음주",
    "next week",
    "next week on",
    "अगले हफ्ते",
    "अगले सप्ताह",
    "ਅਗਲੇ ਹਫ਼ਤੇ",
    "ਅਗਲੇ ਹਫਤੇ",
    "اگلے ہفتے",
    "ዝመጽእ ሰሙን",
)
NEXT_WEEK_AFTER = (
    "next week",
    "of next week",
    "de la semaine prochaine",
    "la semaine prochaine",
    "de la proxima semana",
    "de la semana que viene",
    "la proxima semana",
    "da proxima semana",
    "da semana que vem",
    "tuan sau",
    "tuan toi",
    "наступного тижня",
    "هفته بعد",
    "هفته آینده",
    "الأسبوع القادم",
    "من الأسبوع القادم",
    "الاسبوع القادم",
    "من الاسبوع القادم",
    "الأسبوع المقبل",
    "من الأسبوع المقبل",
    "sa susunod na linggo",
    "ng susunod na linggo",
    "toddobaadka soo socda",
    "toddobaadka soo socota",
)
MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "janvier": 1,
    "february": 2,
    "feb": 2,
    "fevrier": 2,
    "march": 3,
    "mar": 3,
    "mars": 3,
    "april": 4,
    "apr": 4,
    "avril": 4,
    "may": 5,
    "mai": 5,
    "june": 6,
    "jun": 6,
    "juin": 6,
    "july": 7,
    "jul": 7,
    "juillet": 7,
    "august": 8,
    "aug": 8,
    "aout": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "septembre": 9,
    "october": 10,
    "oct": 10,
    "octobre": 10,
    "november": 11,
    "nov": 11,
    "novembre": 11,
    "december": 12,
    "dec": 12,
    "decembre": 12,
}
# Part of day -> (start hour, end hour), the agency's usual session slots.
DAY_PARTS: dict[str, tuple[int, int]] = {
    "morning": (8, 12),
    "afternoon": (12, 17),
    "evening": (17, 22),
}
DAY_PART_WORDS: dict[str, str] = {
    "morning": "morning",
    "matin": "morning",
    "matinee": "morning",
    "am": "morning",
    "afternoon": "afternoon",
    "apres-midi": "afternoon",
    "apres midi": "afternoon",
    "aprem": "afternoon",
    "pm": "afternoon",
    "evening": "evening",
    "night": "evening",
    "soir": "evening",
    "soiree": "evening",
}


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(phrase) for phrase in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternatives})s?(?![\w])")


_MODE_PATTERNS = {mode: _phrase_pattern(phrases) for mode, phrases in MODES.items()}
_TOPIC_PATTERNS = {topic: _phrase_pattern(phrases) for topic, phrases in TOPICS.items()}
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_PART = "|".join(sorted(DAY_PART_WORDS, key=len, reverse=True))

_TODAY = re.compile(
    r"\b(?:today|aujourd ?hui|tonight|this (?:morning|afternoon|evening)|ce (?:matin|soir)|cet apres-?midi)\b"
)
_TONIGHT = re.compile(r"\b(?:tonight|ce soir)\b")
_DAY_AFTER_TOMORROW = re.compile(r"\b(?:day after tomorrow|apres-?demain)\b")
_TOMORROW = re.compile(r"\b(?:tomorrow|demain)\b")


def _alternatives(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(phrase) for phrase in sorted(set(phrases), key=len, reverse=True))


# Only Latin letters need a boundary: Chinese and Korean write "下周二" without spaces.
_NEXT_WEEK_DAY = re.compile(
    rf"(?<![a-z])(?:{_alternatives(NEXT_WEEK_BEFORE)})\s*({_WEEKDAY})(?![a-z])"
    rf"|(?<![a-z])({_WEEKDAY})\s*(?:{_alternatives(NEXT_WEEK_AFTER)})(?![a-z])"
)
_NEXT_WEEKDAY = re.compile(
    rf"(?<![a-z])({_alternatives(NEXT_BEFORE)})\s*({_WEEKDAY})(?![a-z])"
    rf"|(?<![a-z])({_WEEKDAY})\s*(?:{_alternatives(NEXT_AFTER)})(?![a-z])"
)
_WEEKDAY_RE = re.compile(rf"\b({_WEEKDAY})\b")
_THIS_WEEKEND = re.compile(r"\b(?:this weekend|ce week-?end|en fin de semaine|this week-end)\b")
_NEXT_WEEK = re.compile(r"\b(?:next week|la semaine prochaine|semaine prochaine)\b")
_THIS_WEEK = re.compile(r"\b(?:this week|cette semaine)\b")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|er)? (?:of )?({_MONTH})\b")
_DAY_PART_RE = re.compile(rf"\b(?:in the |le |en |dans la |this |ce |cet )?({_DAY_PART})\b")

# Short English words that are also weekday/month abbreviations: accept only
# when they cannot be the ordinary word ("may I", "sun", "mar" in French).
_AMBIGUOUS_WORDS = {"may", "mar", "sun", "sat", "mon", "wed"}


def _first(patterns: dict[str, re.Pattern[str]], text: str) -> str | None:
    found = [
        (match.start(), name)
        for name, pattern in patterns.items()
        if (match := pattern.search(text))
    ]
    return min(found)[1] if found else None


def _prepare(text: str) -> str:
    return fold_accents(for_embedding(text)).replace("'", " ").replace("’", " ")


def extract_mode(text: str) -> str | None:
    prepared = _prepare(text)
    if _MODE_PATTERNS["hybrid"].search(prepared):
        return "hybrid"
    return _first(
        {mode: pattern for mode, pattern in _MODE_PATTERNS.items() if mode != "hybrid"}, prepared
    )


def extract_topic(text: str) -> str | None:
    return _first(_TOPIC_PATTERNS, _prepare(text))


def _upcoming(today: date, weekday: int, *, strictly_after: bool) -> date:
    days_ahead = (weekday - today.weekday()) % 7
    if days_ahead == 0 and strictly_after:
        days_ahead = 7
    return today + timedelta(days=days_ahead)


def _dated(today: date, month: int, day: int) -> date | None:
    for year in (today.year, today.year + 1):  # a past date means next year's
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


def _day_part(text: str) -> str | None:
    for match in _DAY_PART_RE.finditer(text):
        word = match.group(1)
        if word in ("am", "pm") and not re.search(r"\d\s*$", text[: match.start(1)]):
            continue
        return DAY_PART_WORDS[word]
    return None


def next_weekday_choices(text: str, today: date) -> list[date]:
    """The day "next <weekday>" means, first, and the other one it can mean, second, when it
    is ambiguous (the coming <weekday> is still in this week); [] when none is named."""
    monday = _upcoming(today, 0, strictly_after=True)
    if match := _NEXT_WEEK_DAY.search(text):
        return [monday + timedelta(days=WEEKDAYS[match.group(1) or match.group(2)])]
    match = _NEXT_WEEKDAY.search(text)
    if match is None:
        return []
    coming = _upcoming(today, WEEKDAYS[match.group(2) or match.group(3)], strictly_after=True)
    if coming >= monday:  # already in next week: both readings are the same day
        return [coming]
    later = coming + timedelta(days=7)
    return [later, coming] if match.group(1) == "next" else [coming, later]


def _anchor_day(text: str, today: date) -> date | None:
    if _DAY_AFTER_TOMORROW.search(text):
        return today + timedelta(days=2)
    if _TOMORROW.search(text):
        return today + timedelta(days=1)
    if _TODAY.search(text):
        return today
    for match in _MONTH_DAY.finditer(text):
        if match.group(1) != "mar":  # French "mar" is Tuesday's abbreviation
            if found := _dated(today, MONTHS[match.group(1)], int(match.group(2))):
                return found
    if day_month := _DAY_MONTH.search(text):
        return _dated(today, MONTHS[day_month.group(2)], int(day_month.group(1)))
    for match in _WEEKDAY_RE.finditer(text):
        if match.group(1) not in _AMBIGUOUS_WORDS:
            return _upcoming(today, WEEKDAYS[match.group(1)], strictly_after=False)
    return None


def _day_range(prepared: str, day: date, now: datetime) -> tuple[datetime, datetime]:
    def at(hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=now.tzinfo)

    part = "evening" if _TONIGHT.search(prepared) else _day_part(prepared)
    if part is None:
        return at(0), at(0) + timedelta(days=1)
    start_hour, end_hour = DAY_PARTS[part]
    return at(start_hour), at(end_hour)


def extract_date_range(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    """(start, end) in now's timezone, end exclusive; None when no date is named."""
    prepared = _prepare(text)
    today = now.date()
    zone = now.tzinfo

    def at(day: date, hour: int = 0) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=zone)

    if _THIS_WEEKEND.search(prepared):
        saturday = (
            _upcoming(today, 5, strictly_after=False)
            if today.weekday() != 6
            else today - timedelta(days=1)
        )
        return max(at(saturday), now), at(saturday + timedelta(days=2))
    if choices := next_weekday_choices(prepared, today):  # before "next week": "tuesday next week"
        return _day_range(prepared, choices[0], now)
    if _NEXT_WEEK.search(prepared):
        monday = _upcoming(today, 0, strictly_after=True)
        return at(monday), at(monday + timedelta(days=7))
    if _THIS_WEEK.search(prepared):
        monday = _upcoming(today, 0, strictly_after=True)
        return now, at(monday)
    day = _anchor_day(prepared, today)
    if day is None:
        return None
    return _day_range(prepared, day, now)


def extract_date_choices(text: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """The two days an ambiguous "next <weekday>" can mean (the usual reading first); []
    when the message names no date or names one without doubt."""
    prepared = _prepare(text)
    choices = next_weekday_choices(prepared, now.date())
    return [_day_range(prepared, day, now) for day in choices] if len(choices) > 1 else []


def extract_entities(text: str, *, now: datetime) -> dict[str, object]:
    """Entities found in text; keys "mode", "topic", "date_range" only when present, and
    "date_choices" when the date is ambiguous (the assistant asks which one)."""
    found: dict[str, object] = {}
    if mode := extract_mode(text):
        found["mode"] = mode
    if topic := extract_topic(text):
        found["topic"] = topic
    if date_range := extract_date_range(text, now):
        found["date_range"] = date_range
    if choices := extract_date_choices(text, now):
        found["date_choices"] = choices
    return found
