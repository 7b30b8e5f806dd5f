"""The assistant answers "jobs in my field?" and "any hiring events?" from the employers app's
records (issue 14): matched postings for an identified client, the public ones for a visitor,
hiring-event sessions with their employers; nothing else and nothing made up."""

from datetime import timedelta

import pytest
from django.utils import timezone
from i18nfield.strings import LazyI18nString

from tremplin.agencies.tests.factories import AgencyFactory
from tremplin.assistant.tests.chat import SmsChat, WebChat
from tremplin.assistant.tests.factories import make_session
from tremplin.employers.models import PostingStatus
from tremplin.employers.tests.factories import (
    EmployerFactory,
    EventEmployerFactory,
    HiringEventFactory,
    JobPostingFactory,
)

pytestmark = pytest.mark.django_db


def _posting(agency, title, noc="21232", **fields):
    return JobPostingFactory(
        employer=EmployerFactory(agency=agency, name=f"{title} Inc"),
        title=LazyI18nString({"en": title}),
        noc_code=noc,
        **fields,
    )


@pytest.fixture
def postings(assistant_agency, network):
    """Two open postings in the client's field, one in another field, a closed one, a draft,
    and one of another agency."""
    _posting(assistant_agency, "Software developer")
    _posting(assistant_agency, "Web developer", noc="21234")
    _posting(assistant_agency, "Line cook", noc="63200")
    _posting(
        assistant_agency,
        "Expired developer job",
        closing_date=timezone.localdate() - timedelta(days=1),
    )
    _posting(assistant_agency, "Draft developer job", status=PostingStatus.DRAFT)
    _posting(AgencyFactory(network=network), "Elsewhere developer")


def test_an_identified_client_gets_the_postings_matched_to_their_field(
    client, client_user, client_record, assistant_agency, postings
):
    client_record.noc_code = "21232"
    client_record.save()
    client.force_login(client_user)
    text = "\n".join(WebChat(client, assistant_agency).say("jobs in my field?"))
    assert "Software developer — Software developer Inc" in text
    assert "Web developer" in text
    for absent in ("Line cook", "Expired", "Draft", "Elsewhere"):
        assert absent not in text, text
    assert "My jobs" in text


def test_a_visitor_gets_the_public_postings_and_an_invitation_to_sign_in(
    client, assistant_agency, postings
):
    text = "\n".join(
        WebChat(client, assistant_agency).say("are there any job postings in my field")
    )
    assert "Line cook" in text and "Software developer" in text
    for absent in ("Expired", "Draft", "Elsewhere"):
        assert absent not in text, text
    assert "Sign in and ask me again" in text
    unknown = SmsChat(client, assistant_agency, phone="+14035550456")
    text = "\n".join(unknown.say("any job openings for me?"))
    assert "sign in on our website" in text and "Line cook" in text


def test_a_client_without_an_occupation_or_a_match_is_told_so(
    client, client_user, client_record, assistant_agency
):
    client_record.noc_code = ""
    client_record.save()
    client.force_login(client_user)
    chat = WebChat(client, assistant_agency)
    assert "does not say your occupation" in "\n".join(chat.say("jobs in my field?"))
    client_record.noc_code = "31301"
    client_record.save()
    _posting(assistant_agency, "Line cook", noc="63200")
    assert "no open job posting in your field" in "\n".join(chat.say("jobs in my field?"))


def test_french_replies_come_from_the_catalog(client, client_user, client_record, assistant_agency):
    client_record.noc_code = "21232"
    client_record.save()
    _posting(assistant_agency, "Software developer")
    client.force_login(client_user)
    text = "\n".join(
        WebChat(client, assistant_agency, language="fr").say(
            "y a-t-il des offres d'emploi dans mon domaine"
        )
    )
    assert "Offres d'emploi qui correspondent à votre profil" in text, text


def test_hiring_events_are_the_records_with_their_employers(client, assistant_agency):
    plain = make_session(
        assistant_agency,
        title=LazyI18nString({"en": "Unplanned fair"}),
        service_type="hiring_event",
    )
    fair = make_session(
        assistant_agency, title=LazyI18nString({"en": "Spring fair"}), service_type="hiring_event"
    )
    event = HiringEventFactory(session=fair, agency=assistant_agency)
    EventEmployerFactory(
        event=event, employer=EmployerFactory(agency=assistant_agency, name="Zeta")
    )
    assert plain.pk != fair.pk
    text = "\n".join(WebChat(client, assistant_agency).say("when is the next hiring event?"))
    assert "Spring fair" in text and "Employers: Zeta" in text
    assert "Unplanned fair" not in text  # a session with no hiring-event record and no employer


def test_no_hiring_event_is_said_plainly(client, assistant_agency):
    make_session(assistant_agency, title=LazyI18nString({"en": "Resume workshop"}))
    text = "\n".join(WebChat(client, assistant_agency).say("when is the next hiring event?"))
    assert "No hiring event is planned right now" in text
    assert "Resume workshop" not in text
