from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tremplin.audit.models import AuditEvent
from tremplin.clients.models import (
    CaseNoteRevision,
    Client,
    ClientLanguage,
    ConsentRecord,
    DigitalAssessment,
    NeedsAssessment,
    Referral,
)
from tremplin.clients.selectors import (
    client_contact_channels,
    client_latest_assessment,
    consent_allows,
)
from tremplin.clients.services import (
    LanguageEntry,
    case_note_create,
    case_note_update,
    client_complete_intake,
    client_create,
    client_merge,
    client_set_languages,
    client_update,
    client_update_contact_preferences,
    consent_give,
    consent_withdraw,
    digital_assessment_record,
    needs_assessment_create,
    referral_create,
    referral_set_status,
)
from tremplin.clients.tests.factories import CaseNoteFactory, ClientFactory, ReferralFactory

pytestmark = pytest.mark.django_db
AT_EASE = {
    "devices": ["computer", "smartphone"],
    "device_access": "own",
    "internet": "home_unlimited",
    "data_plan": "unlimited",
    "comfort_email": 3,
    "comfort_video": 3,
    "comfort_forms": 3,
    "comfort_apps": 3,
    "comfort_typing": 3,
    "uses": ["email"],
}


def test_create_normalises_phone_and_email_and_fills_search_text(agency, counsellor):
    client = client_create(
        agency=agency,
        actor=counsellor,
        first_name=" Aïcha ",
        last_name="Diallo",
        email="Aicha@Example.ORG",
        phone="(403) 555-0199",
        preferred_language="fr",
    )
    assert client.phone == "+14035550199"
    assert client.email == "aicha@example.org"
    assert client.search_text.startswith("aicha diallo aicha@example.org 14035550199 4035550199")
    event = AuditEvent.objects.get(action="client.create")
    assert (event.client_id, event.actor) == (client.pk, counsellor)


def test_create_refuses_an_invalid_phone(agency):
    with pytest.raises(ValidationError) as error:
        client_create(agency=agency, actor=None, first_name="A", last_name="B", phone="12345")
    assert "phone" in error.value.message_dict
    assert not Client.objects.exists()


def test_update_audits_field_names_never_values(agency, counsellor):
    client = ClientFactory(agency=agency)
    client_update(
        client=client, actor=counsellor, changes={"employment_goal": "Nurse", "noc_code": "31301"}
    )
    event = AuditEvent.objects.get(action="client.update")
    assert event.detail == {"fields": ["employment_goal", "noc_code"]}
    assert "Nurse" not in str(event.detail)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"arrival_status": "arrived", "arrival_date": date.today() + timedelta(days=3)},
            "arrival_date",
        ),
        ({"birth_date": date(2020, 1, 1), "arrival_date": date(2019, 1, 1)}, "birth_date"),
        ({"noc_code": "99999"}, "noc_code"),
        ({"first_name": "  "}, "first_name"),
        ({"phone": "not a phone"}, "phone"),
        ({"postal_area": "123"}, "postal_area"),
    ],
)
def test_update_refuses_bad_records_and_saves_nothing(agency, changes, field):
    client = ClientFactory(agency=agency, first_name="Keep")
    before = Client.objects.values().get(pk=client.pk)
    with pytest.raises(ValidationError) as error:
        client_update(client=client, actor=None, changes=changes)
    assert field in error.value.message_dict
    assert Client.objects.values().get(pk=client.pk) == before
    assert client.first_name == "Keep"
    assert not AuditEvent.objects.filter(action="client.update").exists()


def test_update_rejects_fields_that_are_not_editable(agency):
    with pytest.raises(ValueError):
        client_update(client=ClientFactory(agency=agency), actor=None, changes={"agency_id": 2})


def test_languages_are_replaced_and_validated(agency):
    client = ClientFactory(agency=agency)
    client_set_languages(
        client=client,
        actor=None,
        languages=[LanguageEntry("en", clb_level=5), LanguageEntry("ar", proficiency="native")],
    )
    client_set_languages(client=client, actor=None, languages=[LanguageEntry("fr", clb_level=7)])
    assert list(
        ClientLanguage.objects.filter(client=client).values_list("language", "clb_level")
    ) == [("fr", 7)]
    with pytest.raises(ValidationError):
        client_set_languages(
            client=client, actor=None, languages=[LanguageEntry("en", clb_level=13)]
        )
    with pytest.raises(ValidationError):
        client_set_languages(client=client, actor=None, languages=[LanguageEntry("xx")])


def test_client_choosing_channels_consents_to_them(agency, client_user):
    client = Client.objects.get(user=client_user)
    client_update_contact_preferences(
        client=client, channels=["sms", "email", "sms", "in_person"], actor=client_user
    )
    assert client.preferred_channels == ["sms", "email", "in_person"]
    assert consent_allows(client=client, purpose="contact_sms")
    assert consent_allows(client=client, purpose="contact_email")
    assert not consent_allows(client=client, purpose="contact_whatsapp")
    assert client_contact_channels(client=client) == ["sms", "email", "in_person"]


def test_staff_choosing_channels_does_not_consent_for_the_client(agency, counsellor):
    client = ClientFactory(agency=agency)
    client_update_contact_preferences(client=client, channels=["sms", "email"], actor=counsellor)
    assert client_contact_channels(client=client) == []
    consent_give(client=client, purpose="contact_email", actor=counsellor)
    assert client_contact_channels(client=client) == ["email"]


def test_withdrawn_consent_stops_a_channel_and_every_change_is_kept(agency, client_user):
    client = Client.objects.get(user=client_user)
    client_update_contact_preferences(
        client=client, channels=["whatsapp", "email"], actor=client_user
    )
    consent_withdraw(client=client, purpose="contact_whatsapp", actor=client_user)
    consent_withdraw(
        client=client, purpose="contact_whatsapp", actor=client_user
    )  # no change, no record
    assert client_contact_channels(client=client) == ["email"]
    history = list(
        ConsentRecord.objects.filter(client=client, purpose="contact_whatsapp").values_list(
            "given", flat=True
        )
    )
    assert history == [False, True]
    record = ConsentRecord.objects.filter(client=client).first()
    assert record.actor == client_user and record.text.version == 1
    assert record.text.title.localize("fr") == "Communication par WhatsApp"
    assert AuditEvent.objects.filter(action="consent.withdraw", client_id=client.pk).count() == 1


def test_channels_without_an_address_are_not_offered(agency, counsellor):
    client = ClientFactory(agency=agency, phone="")
    client_update_contact_preferences(client=client, channels=["sms", "email"], actor=counsellor)
    for purpose in ("contact_sms", "contact_email"):
        consent_give(client=client, purpose=purpose, actor=counsellor)
    assert client_contact_channels(client=client) == ["email"]


def test_unknown_channel_or_purpose_is_refused(agency):
    client = ClientFactory(agency=agency)
    with pytest.raises(ValidationError):
        client_update_contact_preferences(client=client, channels=["pigeon"], actor=None)
    with pytest.raises(ValidationError):
        consent_give(client=client, purpose="marketing", actor=None)


def test_digital_assessment_keeps_history_and_points_to_the_latest(agency, counsellor):
    client = ClientFactory(agency=agency)
    first = digital_assessment_record(client=client, answers={}, actor=counsellor)
    second = digital_assessment_record(client=client, answers=AT_EASE, actor=counsellor)
    assert (first.recommended_mode, second.recommended_mode) == ("in_person", "online")
    assert client_latest_assessment(client=client) == second
    assert Client.objects.get(pk=client.pk).latest_assessment == second
    assert DigitalAssessment.objects.filter(client=client).count() == 2


def test_needs_assessment_and_referral_lifecycle(agency, counsellor):
    client = ClientFactory(agency=agency)
    with pytest.raises(ValidationError):
        needs_assessment_create(client=client, actor=counsellor, needs={})
    assessment = needs_assessment_create(
        client=client, actor=counsellor, needs={"employment": "high", "childcare": "low"}
    )
    assert sorted(assessment.needs.values_list("need", flat=True)) == ["childcare", "employment"]
    assert Client.objects.get(pk=client.pk).latest_needs_assessment == assessment
    referral = referral_create(
        client=client,
        actor=counsellor,
        kind="external",
        to_name="YMCA childcare",
        need="childcare",
        made_on=timezone.localdate() - timedelta(days=5),
    )
    referral_set_status(
        referral=referral,
        status="accepted",
        actor=counsellor,
        on=timezone.localdate() - timedelta(days=2),
    )
    referral_set_status(referral=referral, status="completed", actor=counsellor)
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert referral.accepted_on == timezone.localdate() - timedelta(days=2)
    assert referral.completed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        referral_set_status(
            referral=referral,
            status="declined",
            actor=counsellor,
            on=referral.made_on - timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        referral_create(client=client, actor=counsellor, kind="elsewhere", to_name="X")
    assert AuditEvent.objects.filter(action="referral.status", client_id=client.pk).count() == 2


def test_case_notes_are_edited_by_their_author_only_and_keep_history(
    agency, counsellor, agency_admin
):
    client = ClientFactory(agency=agency)
    note = case_note_create(client=client, author=counsellor, body="First meeting.")
    case_note_update(note=note, actor=counsellor, body="First meeting, by phone.")
    case_note_update(
        note=note, actor=counsellor, body="First meeting, by phone."
    )  # unchanged: no revision
    assert note.body == "First meeting, by phone."
    assert list(CaseNoteRevision.objects.filter(note=note).values_list("body", flat=True)) == [
        "First meeting."
    ]
    with pytest.raises(PermissionDenied):
        case_note_update(note=note, actor=agency_admin, body="Not mine.")


def test_intake_completes_when_every_step_is_done(agency, client_user):
    client = Client.objects.get(user=client_user)
    client_update(
        client=client,
        actor=client_user,
        changes={
            "arrival_date": date(2024, 5, 1),
            "immigration_category": "permanent_resident",
            "location_type": "urban",
            "education_level": "college",
            "employment_goal": "Work as a cook",
        },
    )
    client_set_languages(
        client=client, actor=client_user, languages=[LanguageEntry("en", clb_level=6)]
    )
    client_update_contact_preferences(client=client, channels=["email"], actor=client_user)
    client_complete_intake(client=client, actor=client_user)
    assert client.intake_completed_at is None, "service delivery consent is missing"
    consent_give(client=client, purpose="service_delivery", actor=client_user)
    client_complete_intake(client=client, actor=client_user)
    assert client.intake_completed_at is not None


def test_merge_moves_every_linked_row_fills_blanks_and_logs(agency, counsellor, client_user):
    keep = ClientFactory(agency=agency, phone="", noc_code="")
    duplicate = Client.objects.get(user=client_user)
    client_update(client=duplicate, actor=None, changes={"noc_code": "63200"})
    client_set_languages(client=keep, actor=None, languages=[LanguageEntry("en", clb_level=4)])
    client_set_languages(
        client=duplicate,
        actor=None,
        languages=[LanguageEntry("en", clb_level=6), LanguageEntry("es", proficiency="native")],
    )
    assessment = digital_assessment_record(client=duplicate, answers=AT_EASE, actor=counsellor)
    needs_assessment_create(client=duplicate, actor=counsellor, needs={"housing": "urgent"})
    ReferralFactory(client=duplicate)
    CaseNoteFactory(client=duplicate, author=counsellor)
    consent_give(client=duplicate, purpose="service_delivery", actor=client_user)
    duplicate_id, phone = duplicate.pk, duplicate.phone

    client_merge(keep=keep, duplicate=duplicate, actor=counsellor)

    keep.refresh_from_db()
    assert not Client.objects.filter(pk=duplicate_id).exists()
    assert (keep.user, keep.phone, keep.noc_code) == (client_user, phone, "63200")
    assert keep.latest_assessment == assessment and keep.latest_needs_assessment is not None
    assert Referral.objects.filter(client=keep).count() == 1
    assert keep.case_notes.count() == 1 and keep.consent_records.count() == 1
    assert NeedsAssessment.objects.filter(client=keep).count() == 1
    # The kept record's English level wins; the duplicate's other language moves over.
    assert sorted(keep.languages.values_list("language", "clb_level")) == [("en", 4), ("es", None)]
    event = AuditEvent.objects.get(action="client.merge")
    assert event.detail["merged_client_id"] == duplicate_id
    assert event.detail["moved"]["clients.referral"] == 1
    assert event.detail["left_behind"] == {"clients.clientlanguage": 1}


def test_merge_refuses_two_logins_and_the_same_record(agency, client_user):
    from tremplin.agencies.roles import Role
    from tremplin.agencies.tests.factories import member

    own = Client.objects.get(user=client_user)
    other_user = member(agency=agency, role=Role.CLIENT)
    other = ClientFactory(agency=agency, user=other_user)
    with pytest.raises(ValidationError):
        client_merge(keep=own, duplicate=other, actor=None)
    with pytest.raises(ValidationError):
        client_merge(keep=own, duplicate=own, actor=None)
