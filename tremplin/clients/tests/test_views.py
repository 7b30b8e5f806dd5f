import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tremplin.agencies.roles import Role
from tremplin.agencies.tests.factories import member
from tremplin.audit.models import AuditEvent
from tremplin.clients.models import CaseNote, Client, ClientLanguage, DigitalAssessment
from tremplin.clients.services import digital_assessment_record, needs_assessment_create
from tremplin.clients.tests.factories import CaseNoteFactory, ClientFactory

pytestmark = pytest.mark.django_db

QUESTIONNAIRE = {
    "devices": ["smartphone", "computer"],
    "device_access": "own",
    "internet": "home_unlimited",
    "data_plan": "unlimited",
    "comfort_email": "3",
    "comfort_video": "3",
    "comfort_forms": "2",
    "comfort_apps": "3",
    "comfort_typing": "2",
    "uses": ["email", "whatsapp"],
}
ABOUT = {
    "first_name": "Cleo",
    "last_name": "Client",
    "preferred_language": "en",
    "phone": "403 555 0188",
    "birth_date": "1990-04-02",
}
ARRIVAL = {
    "arrival_status": "arrived",
    "arrival_date": "2024-03-01",
    "immigration_category": "permanent_resident",
    "location_type": "rural",
    "postal_area": "t1r 0e6",
}
WORK = {
    "education_level": "bachelor",
    "education_country": "PH",
    "occupation": "31301",
    "years_experience": "6",
    "employment_goal": "Work as a nurse",
}

# The message each invalid input gives, in each language of the interface.
MESSAGES = {
    "phone": {"en": "Enter a valid phone number", "fr": "Entrez un numéro de téléphone valide"},
    "arrival_future": {
        "en": "cannot be in the future for a client who has already arrived",
        "fr": "ne peut pas être dans le futur",
    },
    "birth_after_arrival": {
        "en": "The date of birth must be before the arrival date.",
        "fr": "La date de naissance doit précéder la date d’arrivée.",
    },
    "unknown_noc": {
        "en": "99999 is not a known NOC 2021 code.",
        "fr": "99999 n’est pas un code de la CNP 2021 connu.",
    },
    "required": {"en": "This field is required.", "fr": "Ce champ est obligatoire."},
}


def agency_today(agency) -> date:
    """Pages run in the agency's time zone, which may already be another day than the server's."""
    return timezone.localdate(timezone=ZoneInfo(agency.time_zone))


def url(agency, path: str, lang: str = "en") -> str:
    return f"/{lang}/a/{agency.slug}/clients/{path}"


@pytest.fixture
def own(client_user) -> Client:
    return Client.objects.get(user=client_user)


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


# ---- the client's own intake ------------------------------------------------------------


def test_intake_walks_the_steps_and_comes_back_to_the_first_missing_one(signed_in, agency, own):
    response = signed_in.get(url(agency, "me/intake/"))
    # Sign-up already gave the names and the email: the first step to do is the second one.
    assert response.status_code == 302 and response["Location"].endswith("/me/intake/arrival/")
    response = signed_in.post(url(agency, "me/intake/about/"), {**ABOUT, "continue": ""})
    assert response.status_code == 302 and response["Location"].endswith("/me/intake/arrival/")
    response = signed_in.post(url(agency, "me/intake/arrival/"), {**ARRIVAL, "finish_later": ""})
    assert response.status_code == 302 and response["Location"].endswith("/clients/me/")
    own.refresh_from_db()
    assert (own.phone, own.postal_area, own.location_type) == ("+14035550188", "T1R", "rural")
    assert signed_in.get(url(agency, "me/intake/"))["Location"].endswith("/me/intake/languages/")
    page = signed_in.get(url(agency, "me/"))
    assert "2 of 5 steps complete (40 %)" in page.text


def test_full_intake_then_questionnaire_then_recommendation(signed_in, agency, own):
    signed_in.post(url(agency, "me/intake/about/"), ABOUT)
    signed_in.post(url(agency, "me/intake/arrival/"), ARRIVAL)
    response = signed_in.post(
        url(agency, "me/intake/languages/"),
        {"english_clb": "6", "other_language_1": "tl", "other_level_1": "native"},
    )
    assert response.status_code == 302
    assert sorted(ClientLanguage.objects.filter(client=own).values_list("language", flat=True)) == [
        "en",
        "tl",
    ]
    assert signed_in.post(url(agency, "me/intake/work/"), WORK).status_code == 302
    response = signed_in.post(
        url(agency, "me/intake/contact/"),
        {
            "phone": "403 555 0188",
            "channel_1": "whatsapp",
            "channel_2": "email",
            "consent_service_delivery": "on",
            "consent_anonymous_reporting": "on",
        },
    )
    assert response["Location"].endswith("/me/digital/"), (
        "no assessment yet: the questionnaire comes next"
    )
    own.refresh_from_db()
    assert own.intake_completed_at is not None
    assert own.noc_code == "31301" and own.preferred_channels == ["whatsapp", "email"]
    response = signed_in.post(url(agency, "me/digital/"), QUESTIONNAIRE)
    assert response["Location"].endswith("/me/digital/result/")
    page = signed_in.get(response["Location"])
    assert "Online" in page.text and "Recommended way to take part" in page.text
    home = signed_in.get(f"/en/a/{agency.slug}/me/")
    assert "100 % complete" in home.text and "Recommended for you:" in home.text


def test_occupation_by_words_offers_matches_then_accepts_a_choice(signed_in, agency, own):
    response = signed_in.post(url(agency, "me/intake/work/"), {**WORK, "occupation": "engineers"})
    assert response.status_code == 400
    assert (
        "Several occupations match" in response.text and 'name="occupation_choice"' in response.text
    )
    response = signed_in.post(
        url(agency, "me/intake/work/"),
        {**WORK, "occupation": "engineers", "occupation_choice": "21300"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.noc_code == "21300"
    response = signed_in.post(url(agency, "me/intake/work/"), {**WORK, "occupation": "cuisinier"})
    own.refresh_from_db()
    assert own.noc_code == "63200"


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("about", {**ABOUT, "phone": "555"}, "phone"),
        ("about", {**ABOUT, "first_name": ""}, "required"),
        (
            "arrival",
            {**ARRIVAL, "arrival_date": (date.today() + timedelta(days=10)).isoformat()},
            "arrival_future",
        ),
        ("arrival", {**ARRIVAL, "arrival_date": "1989-01-01"}, "birth_after_arrival"),
        ("arrival", {**ARRIVAL, "immigration_category": ""}, "required"),
        ("work", {**WORK, "occupation": "99999"}, "unknown_noc"),
        ("work", {**WORK, "employment_goal": ""}, "required"),
    ],
)
def test_invalid_input_gives_a_clear_message_in_the_page_language_and_saves_nothing(
    signed_in, agency, own, lang, step, data, message
):
    own.birth_date = date(1990, 4, 2)
    own.save()
    before = Client.objects.values().get(pk=own.pk)
    response = signed_in.post(url(agency, f"me/intake/{step}/", lang), data)
    assert response.status_code == 400
    assert MESSAGES[message][lang] in response.text
    assert Client.objects.values().get(pk=own.pk) == before
    assert not AuditEvent.objects.filter(action="client.update").exists()


def test_languages_step_needs_one_language(signed_in, agency):
    response = signed_in.post(url(agency, "me/intake/languages/", "fr"), {})
    assert response.status_code == 400
    assert "Indiquez au moins une langue que vous parlez." in response.text


def test_unknown_step_is_404(signed_in, agency):
    assert signed_in.get(url(agency, "me/intake/nope/")).status_code == 404


def test_client_without_record_and_staff_pages_are_404_for_clients(
    client, agency, own, client_user
):
    client.force_login(client_user)
    assert client.get(url(agency, f"{own.pk}/")).status_code == 404
    assert client.get(url(agency, "")).status_code == 404
    recordless = member(agency=agency, role=Role.CLIENT)
    client.force_login(recordless)
    assert client.get(url(agency, "me/")).status_code == 404


def test_client_sees_only_their_own_record(client, agency, own):
    other = ClientFactory(
        agency=agency,
        first_name="Zed",
        last_name="Other",
        user=member(agency=agency, role=Role.CLIENT),
    )
    client.force_login(other.user)
    page = client.get(url(agency, "me/"))
    assert "Zed" in page.text and own.email not in page.text


def test_consent_page_withdraws_and_keeps_history(signed_in, agency, own, client_user):
    signed_in.post(url(agency, "me/consents/"), {"service_delivery": "on", "contact_email": "on"})
    signed_in.post(url(agency, "me/consents/"), {"service_delivery": "on"})
    page = signed_in.get(url(agency, "me/consents/", "fr"))
    assert page.status_code == 200
    assert "Communication par courriel" in page.text and "Retiré" in page.text
    assert own.consent_records.filter(purpose="contact_email").count() == 2


# ---- staff pages ------------------------------------------------------------------------


@pytest.fixture
def staff(client, counsellor):
    client.force_login(counsellor)
    return client


def test_list_query_count_does_not_grow_with_rows(
    staff, agency, counsellor, django_assert_max_num_queries
):
    def make(count: int) -> None:
        for index in range(count):
            person = ClientFactory(agency=agency, counsellor=counsellor)
            if index % 2:
                digital_assessment_record(client=person, answers={}, actor=counsellor)
                needs_assessment_create(
                    client=person, actor=counsellor, needs={"employment": "high", "housing": "low"}
                )

    make(5)
    staff.get(url(agency, ""))  # warm the session
    with django_assert_max_num_queries(12) as few:
        assert staff.get(url(agency, "")).status_code == 200
    make(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff.get(url(agency, ""))
    assert "30 clients" in response.text
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff.get(url(agency, "?need=employment&page=2")).status_code == 200


def test_list_filters_and_search_stay_in_the_agency(staff, agency, other_agency):
    ClientFactory(agency=agency, first_name="Hélène", last_name="Ours")
    ClientFactory(agency=other_agency, first_name="Helene", last_name="Theirs")
    page = staff.get(url(agency, "?q=helene&mode=online&missing=1&arrival=zzz"))
    assert page.status_code == 200
    page = staff.get(url(agency, "?q=helene"))
    assert "Ours" in page.text and "Theirs" not in page.text
    assert staff.get(url(agency, "?page=999")).status_code == 200


def test_detail_is_audited_and_other_agencies_get_404(
    client, staff, agency, other_agency, counsellor
):
    mine = ClientFactory(agency=agency)
    theirs = ClientFactory(agency=other_agency)
    assert staff.get(url(agency, f"{mine.pk}/")).status_code == 200
    event = AuditEvent.objects.get(action="client.view")
    assert (event.client_id, event.actor, event.agency) == (mine.pk, counsellor, agency)
    for path in [
        "",
        "intake/about/",
        "notes/",
        "digital/",
        "needs/",
        "referrals/new/",
        "consents/",
        "export/",
    ]:
        assert staff.get(url(agency, f"{theirs.pk}/{path}")).status_code == 404
        assert staff.get(url(other_agency, f"{theirs.pk}/{path}")).status_code == 404
    assert not AuditEvent.objects.filter(client_id=theirs.pk).exists()


def test_counsellor_led_intake_shows_completeness_and_saves(staff, agency):
    person = ClientFactory(agency=agency, phone="")
    page = staff.get(url(agency, f"{person.pk}/intake/about/"))
    assert "Profile completeness" in page.text and 'name="email"' in page.text
    response = staff.post(
        url(agency, f"{person.pk}/intake/about/"),
        {**ABOUT, "email": "walkin@example.org", "finish_later": ""},
    )
    assert response["Location"].endswith(f"/clients/{person.pk}/")
    person.refresh_from_db()
    assert person.email == "walkin@example.org"
    response = staff.post(
        url(agency, f"{person.pk}/intake/contact/"),
        {"channel_1": "sms", "consent_service_delivery": "on", "consent_contact_sms": "on"},
    )
    assert response.status_code == 400 and "Add a phone number" in response.text
    response = staff.post(
        url(agency, f"{person.pk}/intake/contact/"),
        {
            "phone": "+44 20 7946 0958",
            "channel_1": "sms",
            "consent_service_delivery": "on",
            "consent_contact_sms": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+442079460958"
    assert AuditEvent.objects.filter(action="consent.give", client_id=person.pk).count() == 2


def test_new_client_flags_duplicates_before_creating(staff, agency):
    ClientFactory(agency=agency, first_name="Old", phone="+14035550177")
    data = {
        "first_name": "New",
        "last_name": "Person",
        "phone": "403-555-0177",
        "preferred_language": "ar",
    }
    response = staff.post(url(agency, "new/"), data)
    assert (
        response.status_code == 400
        and "Possible duplicates" in response.text
        and "Old" in response.text
    )
    assert not Client.objects.filter(first_name="New").exists()
    response = staff.post(url(agency, "new/"), {**data, "confirm_not_duplicate": "on"})
    created = Client.objects.get(first_name="New")
    assert response["Location"].endswith(f"/clients/{created.pk}/intake/about/")


def test_new_client_page_in_french_refuses_a_bad_phone(staff, agency):
    response = staff.post(
        url(agency, "new/", "fr"),
        {"first_name": "A", "last_name": "B", "phone": "12", "preferred_language": "fr"},
    )
    assert response.status_code == 400 and MESSAGES["phone"]["fr"] in response.text
    assert not Client.objects.exists()


def test_merge_page_confirms_then_merges(staff, agency):
    keep = ClientFactory(agency=agency, email="dup@example.org")
    other = ClientFactory(agency=agency, email="dup@example.org")
    CaseNoteFactory(client=other)
    assert "Possible duplicates" in staff.get(url(agency, f"{keep.pk}/")).text
    assert "Merge the records" in staff.get(url(agency, f"{keep.pk}/merge/?other={other.pk}")).text
    assert staff.get(url(agency, f"{keep.pk}/merge/?other=abc")).status_code == 404
    staff.post(url(agency, f"{keep.pk}/merge/"), {"other": other.pk})
    assert not Client.objects.filter(pk=other.pk).exists()
    assert CaseNote.objects.get().client == keep
    assert len(staff.get(url(agency, "duplicates/")).context["groups"]) == 0


def test_case_notes_staff_only_and_author_edits_with_history(
    client, staff, agency, counsellor, facilitator
):
    person = ClientFactory(agency=agency)
    staff.post(url(agency, f"{person.pk}/notes/"), {"body": "Called about childcare."})
    note = CaseNote.objects.get()
    assert note.author == counsellor
    staff.post(
        url(agency, f"{person.pk}/notes/{note.pk}/"),
        {"body": "Called about childcare and transport."},
    )
    page = staff.get(url(agency, f"{person.pk}/notes/"))
    assert "Called about childcare and transport." in page.text and "Edited once" in page.text
    colleague = member(agency=agency, role=Role.COUNSELLOR)
    client.force_login(colleague)
    assert client.get(url(agency, f"{person.pk}/notes/{note.pk}/")).status_code == 404
    client.force_login(facilitator)
    assert client.get(url(agency, f"{person.pk}/notes/")).status_code == 404
    assert client.get(url(agency, f"{person.pk}/")).status_code == 200, "facilitators read records"


def test_export_is_audited_and_complete(staff, agency, counsellor):
    person = ClientFactory(agency=agency, first_name="Export")
    digital_assessment_record(client=person, answers={}, actor=counsellor)
    response = staff.get(url(agency, f"{person.pk}/export/"))
    assert response["Content-Disposition"] == f'attachment; filename="client-{person.pk}.json"'
    data = json.loads(response.content)
    assert data["profile"]["first_name"] == "Export" and len(data["digital_assessments"]) == 1
    assert AuditEvent.objects.filter(action="client.export", client_id=person.pk).exists()


def test_needs_referrals_and_status_pages(staff, agency):
    person = ClientFactory(agency=agency)
    assert staff.post(url(agency, f"{person.pk}/needs/"), {"notes": ""}).status_code == 400
    staff.post(
        url(agency, f"{person.pk}/needs/"), {"need_employment": "high", "need_housing": "urgent"}
    )
    assert person.needs_assessments.get().needs.count() == 2
    today = agency_today(agency).isoformat()
    response = staff.post(
        url(agency, f"{person.pk}/referrals/new/"),
        {"kind": "external", "to_name": "Food bank", "need": "housing", "made_on": today},
    )
    assert response.status_code == 302
    referral = person.referrals.get()
    staff.post(
        url(agency, f"{person.pk}/referrals/{referral.pk}/"), {"status": "accepted", "on": today}
    )
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.accepted_on == agency_today(agency)
    future = (agency_today(agency) + timedelta(days=2)).isoformat()
    assert (
        staff.post(
            url(agency, f"{person.pk}/referrals/new/"),
            {"kind": "internal", "to_name": "X", "made_on": future},
        ).status_code
        == 400
    )
    assert staff.get(url(agency, f"{person.pk}/referrals/{referral.pk}/")).status_code == 405


def test_staff_digital_assessment_and_counsellor(staff, agency, counsellor):
    person = ClientFactory(agency=agency)
    assert staff.post(url(agency, f"{person.pk}/digital/"), {}).status_code == 400
    staff.post(url(agency, f"{person.pk}/digital/"), QUESTIONNAIRE)
    assert DigitalAssessment.objects.get(client=person).assessed_by == counsellor
    staff.post(url(agency, f"{person.pk}/counsellor/"), {"counsellor": counsellor.pk})
    person.refresh_from_db()
    assert person.counsellor == counsellor


def test_audit_log_filters_by_client(client, agency, agency_admin):
    person = ClientFactory(agency=agency)
    client.force_login(agency_admin)
    client.get(url(agency, f"{person.pk}/"))
    page = client.get(f"/en/a/{agency.slug}/staff/audit/?client={person.pk}")
    assert [event.client_id for event in page.context["page"]] == [person.pk]
    assert "Who accessed this record" in client.get(url(agency, f"{person.pk}/")).text


def test_staff_home_tile_and_client_home_summary(client, agency, counsellor, client_user):
    client.force_login(counsellor)
    assert f"/en/a/{agency.slug}/clients/" in client.get(f"/en/a/{agency.slug}/staff/").text
    client.force_login(client_user)
    page = client.get(f"/fr/a/{agency.slug}/me/")
    assert "Compléter mon profil" in page.text
