"""Facts that belong to the agency (its own knowledge base file, opening days from the
database) and dates the client may mean two ways ("next Tuesday" said on a Monday)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tremplin.assistant.nlu.engine import Understanding
from tremplin.assistant.nlu.entities import extract_date_choices, extract_date_range
from tremplin.assistant.nlu.kb import Facts, load_knowledge_base
from tremplin.assistant.opening import holiday_dates, is_open_at, next_opening, opening_sentences
from tremplin.assistant.tests.factories import install_trained_knowledge_base, make_session
from tremplin.assistant.turn import Turn

EDMONTON = ZoneInfo("America/Edmonton")
WEEKDAYS_9_TO_5 = Facts(
    opening_days=(0, 1, 2, 3, 4),
    opens=time(8, 30),
    closes=time(16, 30),
    holidays=("good_friday", "victoria_day", "thanksgiving", "christmas", "boxing_day"),
)
AGENCY_FILES = "tremplin/assistant/kb/agencies"


def test_statutory_holidays_are_computed_for_any_year():
    assert holiday_dates(2027)["good_friday"] == date(2027, 3, 26)
    assert holiday_dates(2026)["victoria_day"] == date(2026, 5, 18)
    assert holiday_dates(2026)["thanksgiving"] == date(2026, 10, 12)
    assert holiday_dates(2026)["family_day"] == date(2026, 2, 16)


def test_the_next_opening_skips_weekends_and_holidays():
    christmas_eve = datetime(2026, 12, 24, 17, 0, tzinfo=EDMONTON)  # a Thursday, after closing
    assert next_opening(WEEKDAYS_9_TO_5, christmas_eve) == datetime(
        2026, 12, 28, 8, 30, tzinfo=EDMONTON
    )  # Friday 25 and Saturday 26 are holidays, then the weekend
    assert is_open_at(WEEKDAYS_9_TO_5, datetime(2026, 12, 1, 9, tzinfo=EDMONTON))
    assert not is_open_at(WEEKDAYS_9_TO_5, datetime(2026, 12, 25, 9, tzinfo=EDMONTON))


def test_opening_sentences_in_the_clients_language(settings):
    from django.utils import translation

    saturday = datetime(2026, 12, 5, 11, tzinfo=EDMONTON)
    with translation.override("en"):
        assert opening_sentences(WEEKDAYS_9_TO_5, saturday) == [
            "Our offices are open Monday to Friday, from 08:30 to 16:30.",
            "They are closed on statutory holidays.",
            "We are closed now; we open again on Monday at 08:30.",
        ]
    with translation.override("fr"):
        assert opening_sentences(WEEKDAYS_9_TO_5, saturday, handing_over=True)[0] == (
            "Nos bureaux sont ouverts du lundi au vendredi, de 08:30 à 16:30."
        )
    with translation.override("es"):
        assert "lunes" in opening_sentences(WEEKDAYS_9_TO_5, saturday)[2]


@pytest.mark.parametrize("slug", ["pnec", "carrefour", "harbour"])
def test_each_demo_agency_has_its_own_knowledge_base(slug):
    path = f"{AGENCY_FILES}/{slug}.yaml"
    kb = load_knowledge_base(open(path, encoding="utf-8").read(), source=path)
    shared = load_knowledge_base(
        open(f"{AGENCY_FILES}/pnec.yaml", encoding="utf-8").read(), source=path
    )
    assert [intent.id for intent in kb.intents] == [intent.id for intent in shared.intents]
    assert kb.facts is not None and kb.facts.phone
    answers = "\n".join(text for intent in kb.intents for text in intent.answers.values())
    assert kb.facts.phone in answers and "{" not in answers
    others = {"pnec": "403-555", "carrefour": "506-555", "harbour": "902-555"}
    assert not any(prefix in answers for other, prefix in others.items() if other != slug)
    if slug != "pnec":
        assert "Calgary" not in answers and "Brooks" not in answers


# ---- in conversation ----------------------------------------------------------------------------


def _install(agency, slug: str):
    path = f"{AGENCY_FILES}/{slug}.yaml"
    return install_trained_knowledge_base(
        agency, kb=load_knowledge_base(open(path, encoding="utf-8").read(), source=path)
    )


@pytest.fixture
def moncton(agency):
    from tremplin.agencies.tests.factories import LocationFactory

    agency.time_zone, agency.province, agency.default_language = "America/Moncton", "NB", "fr"
    agency.save()
    LocationFactory(
        agency=agency,
        name="Moncton — bureau principal",
        address="236, rue Saint-George",
        city="Moncton",
    )
    return _install(agency, "carrefour")


@pytest.fixture
def at(monkeypatch):
    """Freeze the assistant's clock (dates read in messages, opening hours) at a moment."""

    def freeze(moment: datetime) -> None:
        analyse = Understanding.analyse

        def analyse_then(self, text, *, now=None, tz="America/Edmonton"):
            return analyse(self, text, now=moment, tz=tz)

        monkeypatch.setattr(Understanding, "analyse", analyse_then)
        monkeypatch.setattr(
            Turn, "now", lambda self: moment.astimezone(ZoneInfo(self.agency.time_zone))
        )

    return freeze


def test_the_moncton_agency_answers_with_its_own_facts(client, moncton):
    from tremplin.assistant.tests.chat import WebChat

    chat = WebChat(client, moncton, language="fr")
    replies = "\n".join(chat.say("Où êtes-vous situés ?"))
    assert "236, rue Saint-George, Moncton" in replies and "Calgary" not in replies
    replies = "\n".join(chat.say("quel est votre numéro de téléphone?"))
    assert "506-555-0163" in replies and "403-555" not in replies


def test_opening_hours_and_the_hand_off_come_from_the_agencys_facts(client, moncton, at):
    from tremplin.assistant.tests.chat import WebChat

    at(datetime(2026, 12, 5, 11, tzinfo=ZoneInfo("America/Moncton")))  # a Saturday
    chat = WebChat(client, moncton)  # the page in English, the client writes Spanish
    replies = chat.say("¿a qué hora abren sus oficinas?")
    assert replies[0] == "Nuestras oficinas abren de lunes a viernes, de 08:30 a 16:30."
    assert "volvemos a abrir el lunes a las 08:30" in replies[-1]
    replies = chat.say("quiero hablar con una persona")
    assert any("una persona le responderá a partir del lunes a las 08:30" in r for r in replies)


def _days_until(moment: datetime) -> float:
    return (moment - timezone.now()).total_seconds() / 86400


def _next_monday(zone: ZoneInfo) -> datetime:
    today = timezone.now().astimezone(zone).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, time(10), tzinfo=zone)


def test_a_session_on_a_day_the_offices_are_closed_says_so(client, agency, at):
    from tremplin.assistant.tests.chat import WebChat

    _install(agency, "pnec")
    monday = _next_monday(EDMONTON)
    make_session(
        agency,
        title={"en": "Saturday online intake"},
        delivery_mode="online",
        days=_days_until(monday + timedelta(days=5)),
    )
    make_session(
        agency, title={"en": "Tuesday workshop"}, days=_days_until(monday + timedelta(days=1))
    )
    replies = "\n".join(WebChat(client, agency).say("what are the next sessions?"))
    saturday = next(line for line in replies.splitlines() if "Saturday online intake" in line)
    tuesday = next(line for line in replies.splitlines() if "Tuesday workshop" in line)
    assert "our offices are closed that day" in saturday
    assert "closed" not in tuesday


@pytest.mark.parametrize(
    ("language", "question", "answer"),
    [
        ("en", "what sessions are there next tuesday?", "2"),
        ("es", "¿qué sesiones hay el próximo martes?", "2"),
        ("en", "any sessions next tuesday?", "tomorrow"),
    ],
)
def test_next_tuesday_said_on_a_monday_is_asked_about(
    client, agency, at, language, question, answer
):
    from tremplin.assistant.tests.chat import WebChat

    _install(agency, "pnec")
    monday = _next_monday(EDMONTON)
    at(monday)
    tomorrow, in_eight_days = monday + timedelta(days=1), monday + timedelta(days=8)
    make_session(agency, title={"en": "Tomorrow's workshop"}, days=_days_until(tomorrow))
    make_session(agency, title={"en": "Next week's workshop"}, days=_days_until(in_eight_days))
    chat = WebChat(client, agency)
    replies = chat.say(question)
    assert chat.conversation.state["pending"]["step"] == "choose_date", replies
    options = replies[1].splitlines()
    assert len(options) == 2 and all(option.split(". ", 1)[1] for option in options)
    listed = "\n".join(chat.say(answer))
    # English "next Tuesday" is first read as next week's, Spanish "el próximo martes" as the
    # coming one: option 2 is the other reading.
    later_first = language == "en"
    wanted, other = ("Tomorrow's workshop", "Next week's workshop")
    if answer == "2" and not later_first:
        wanted, other = other, wanted
    assert wanted in listed and other not in listed, listed


# Written for this test: "next Tuesday" in the 16 reply languages, and "Tuesday of next week".
NEXT_TUESDAY = [
    "next tuesday",
    "mardi prochain",
    "el próximo martes",
    "na próxima terça",
    "sa susunod na Martes",
    "наступного вівторка",
    "الثلاثاء القادم",
    "سه‌شنبه آینده",
    "ਅਗਲੇ ਮੰਗਲਵਾਰ",
    "अगले मंगलवार",
    "اگلے منگل",
    "다음 화요일",
    "thứ ba tới",
    "Talaadada soo socota",
    "ዝመጽእ ሰሉስ",
]
TUESDAY_OF_NEXT_WEEK = [
    "tuesday next week",
    "mardi de la semaine prochaine",
    "el martes de la próxima semana",
    "下周二",
    "다음 주 화요일",
    "thứ ba tuần sau",
    "سه‌شنبه هفته بعد",
    "الثلاثاء من الأسبوع القادم",
    "у вівторок наступного тижня",
]


@pytest.mark.parametrize("text", NEXT_TUESDAY)
def test_next_weekday_is_ambiguous_early_in_the_week_only(text):
    monday = datetime(2026, 11, 30, 10, tzinfo=EDMONTON)
    wednesday = monday + timedelta(days=2)
    choices = extract_date_choices(text, monday)
    assert sorted(start.day for start, _end in choices) == [1, 8], text
    assert extract_date_range(text, monday)[0] == choices[0][0]  # the language's usual reading
    assert extract_date_choices(text, wednesday) == []  # the coming Tuesday is next week's
    assert extract_date_range(text, wednesday)[0].day == 8


@pytest.mark.parametrize("text", TUESDAY_OF_NEXT_WEEK)
def test_the_weekday_of_next_week_is_never_ambiguous(text):
    monday = datetime(2026, 11, 30, 10, tzinfo=EDMONTON)
    assert extract_date_choices(text, monday) == []
    assert extract_date_range(text, monday)[0].date() == date(2026, 12, 8), text


def test_english_next_means_the_later_day_french_prochain_the_coming_one():
    monday = datetime(2026, 11, 30, 10, tzinfo=EDMONTON)
    assert extract_date_range("next tuesday", monday)[0].day == 8
    assert extract_date_range("mardi prochain", monday)[0].day == 1
    assert extract_date_range("el martes que viene", monday)[0].day == 1


def test_made_up_dates_have_no_choices():
    monday = datetime(2026, 11, 30, 10, tzinfo=EDMONTON)
    assert extract_date_choices("tomorrow", monday) == []
    assert extract_date_choices("I was next in line", monday) == []


# ---- knowledge-base answers in the client's language ----------------------------------------

# Written for this test: "is it free?" in languages whose answer the
# shared knowledge base translates.
IS_IT_FREE = [
    ("es", "¿sus servicios son gratis?"),
    ("ar", "هل الخدمة مجانية؟"),
    ("uk", "це безкоштовно?"),
    ("vi", "dịch vụ có miễn phí không?"),
    ("pt", "é gratuito?"),
]


@pytest.mark.parametrize(("language", "question"), IS_IT_FREE)
def test_translated_answers_are_given_in_the_clients_language(client, agency, language, question):
    from tremplin.assistant.models import IntentAnswer
    from tremplin.assistant.nlu.langid import default_identifier
    from tremplin.assistant.tests.chat import WebChat

    _install(agency, "harbour")
    replies = WebChat(client, agency).say(question)
    expected = IntentAnswer.objects.get(
        agency=agency, intent__intent_id="cost_fees", language=language
    ).text
    assert replies == [expected]
    assert default_identifier().identify(replies[0]) == language


def test_an_untranslated_answer_says_so_in_the_clients_language(client, agency):
    from tremplin.assistant.tests.chat import WebChat

    _install(agency, "harbour")
    replies = WebChat(client, agency).say("¿cómo funciona el programa de mentoría?")
    assert replies[0].startswith("The mentoring program")  # the agency's language
    assert replies[1].startswith("Esta información por ahora solo existe en English")


def test_a_clarifying_option_is_labelled_in_the_clients_language_when_it_can_be(agency):
    from tremplin.assistant.engine import intent_label

    _install(agency, "harbour")
    assert intent_label(agency, "cost_fees", "es") == "Todos nuestros servicios son gratuitos…"
    assert intent_label(agency, "cost_fees", "zh") == "我们的所有服务都是免费的…"
    assert intent_label(agency, "cost_fees", "fr") == "combien ça coûte?"  # a French example
    # No example nor answer in Somali: the agency's own language.
    assert intent_label(agency, "mentoring_program", "so") == "do you have a mentoring program?"


def test_before_opening_time_the_assistant_says_today():
    from django.utils import translation

    early_monday = datetime(2026, 11, 30, 6, tzinfo=EDMONTON)
    with translation.override("en"):
        assert opening_sentences(WEEKDAYS_9_TO_5, early_monday)[-1] == (
            "We are closed now; we open today at 08:30."
        )
        assert opening_sentences(WEEKDAYS_9_TO_5, early_monday, handing_over=True)[-1] == (
            "Our offices are closed now: a person will answer today from 08:30."
        )
