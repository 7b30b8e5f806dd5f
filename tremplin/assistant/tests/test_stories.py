"""The conversation stories of tremplin/assistant/stories/ (see tremplin/assistant/stories.py),
each one a test: every turn checked for intent, reply language, pending question, records."""

import re

import pytest
from i18nfield.strings import LazyI18nString

from tremplin.assistant.models import ConversationMessage, Sender
from tremplin.assistant.nlu.langid import default_identifier
from tremplin.assistant.stories import Story, load_stories
from tremplin.assistant.tests.chat import SmsChat, WebChat
from tremplin.assistant.tests.factories import make_session
from tremplin.employers.tests.factories import (
    EmployerFactory,
    EventEmployerFactory,
    HiringEventFactory,
    JobPostingFactory,
)
from tremplin.programs.models import Registration, RegistrationStatus
from tremplin.programs.services import registration_create

STORIES = load_stories()


def test_stories_cover_ten_languages_and_every_action():
    languages = set().union(*(story.languages for story in STORIES))
    assert len(languages) >= 10, languages
    intents = {turn.get("intent") for story in STORIES for turn in story.turns}
    for action in (
        "find_next_sessions",
        "register_for_session",
        "cancel_registration",
        "my_registrations",
        "recommend_programs",
        "course_progress",
        "change_contact_preferences",
        "jobs_in_my_field",
        "talk_to_human",
    ):
        assert action in intents, action


def _sentences(replies: list[str]) -> list[str]:
    return [
        line
        for reply in replies
        for line in reply.splitlines()
        if line.strip() and not re.match(r"\d+\. ", line)
    ]


def _active_registrations(client_record) -> int:
    return Registration.objects.filter(
        client=client_record,
        status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
    ).count()


@pytest.mark.parametrize("story", STORIES, ids=[story.name for story in STORIES])
def test_story(story: Story, client, client_user, client_record, assistant_agency):
    sessions = [
        make_session(
            assistant_agency,
            title=LazyI18nString({"en": spec.get("title", "Resume workshop")}),
            delivery_mode=spec.get("mode", "hybrid"),
            days=spec.get("days", 3),
            in_person=spec.get("in_person", 10),
            online=spec.get("online", 10),
            topic=spec.get("topic", ""),
            service_type="hiring_event" if spec.get("employers") else "workshop",
        )
        for spec in story.sessions
    ]
    for session, spec in zip(sessions, story.sessions, strict=True):
        if spec.get("employers"):  # a hiring event: the employers app's record
            event = HiringEventFactory(session=session, agency=assistant_agency)
            for name in spec["employers"]:
                EventEmployerFactory(
                    event=event, employer=EmployerFactory(agency=assistant_agency, name=name)
                )
    for spec in story.postings:
        JobPostingFactory(
            employer=EmployerFactory(agency=assistant_agency, name=spec.get("employer", "Acme")),
            title=LazyI18nString({"en": spec["title"]}),
            noc_code=spec.get("noc", "21232"),
        )
    if story.occupation:
        client_record.noc_code = story.occupation
        client_record.save(update_fields=["noc_code"])
    for index in story.registered:
        registration_create(
            session=sessions[index], client=client_record, mode=sessions[index].modes[0], actor=None
        )
    if story.channel == "web":
        client.force_login(client_user)
        chat = WebChat(client, assistant_agency)
    else:
        chat = SmsChat(client, assistant_agency, phone=client_record.phone)
    for number, turn in enumerate(story.turns, start=1):
        where = f"{story.source} turn {number} ({turn['say']!r})"
        replies = chat.say(turn["say"])
        assert replies, where
        conversation = chat.conversation
        said = (
            ConversationMessage.objects.filter(conversation=conversation, sender=Sender.CLIENT)
            .order_by("-id")
            .first()
        )
        if "intent" in turn:
            assert said.intent == turn["intent"], f"{where}: understood {said.intent!r}; {replies}"
        if "lang" in turn:
            # Every sentence of the assistant's, not only the first; numbered options are
            # data (session titles, an intent's example) and are left out.
            for line in _sentences(replies):
                spoken = default_identifier().identify(line)
                assert spoken == turn["lang"], f"{where}: reply in {spoken}: {line!r}"
        if "step" in turn:
            pending = conversation.state.get("pending", {}).get("step", "none")
            assert pending == turn["step"], f"{where}: pending {pending}; {replies}"
        if "contains" in turn:
            assert turn["contains"] in "\n".join(replies), f"{where}: {replies}"
        if "registrations" in turn:
            found = _active_registrations(client_record)
            assert found == turn["registrations"], f"{where}: {found} registrations; {replies}"
        if "status" in turn:
            assert conversation.status == turn["status"], f"{where}: {conversation.status}"
        if "reason" in turn:
            assert conversation.handover_reason == turn["reason"], where
