"""A small known cohort, every figure of which is computed by hand in test_figures.py.

Period under test: September 2026 (30 days); the previous period is 2 to 31 August 2026.

Clients of agency `alpha` (intakes at 10:00 local time):
  C1 Amira   rural  pre-arrival  fr  intake 09-02
  C2 Bruno   rural  arrived      fr  intake 09-03
  C3 Chen    urban  arrived      en  intake 08-10 (previous period)
  C4 Dana    urban  pre-arrival  en  no intake
  C5 Elif    remote arrived      ar  intake 09-05
  C6 Farid   urban  arrived      en  no intake
Program P1 (workshops). Sessions (10:00 local):
  S1 in person 09-10 (2 h)   C1 attended, C3 attended, C4 no-show
  S2 online    09-12 (1 h)   C1 attended, C2 attended, C5 no-show
  S3 hybrid    09-15 (2 h)   C2 online, C3 in the room, C5 online, C4 not recorded
  S4 cancelled 09-16         C6 registered (ignored)
  S5 in person 08-20 (2 h)   C6 attended, C3 attended, C1 no-show  (previous period)
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Agency, Location, LocationKind
from tremplin.clients.models import Client, ClientNeed, NeedsAssessment, Referral, ReferralKind
from tremplin.clients.tests.factories import ClientFactory
from tremplin.learning.models import Enrolment
from tremplin.learning.tests.factories import CourseFactory
from tremplin.outcomes.models import Outcome
from tremplin.programs.models import (
    AttendanceStatus,
    Program,
    Recording,
    RecordingView,
    Registration,
    RegistrationStatus,
    ServiceElement,
    ServiceType,
    Session,
    SessionStatus,
)
from tremplin.reports.models import FunderProfile
from tremplin.reports.services import first_services_refresh
from tremplin.surveys.models import Answer, Invitation, Question, Response, Section, Survey

ZONE = ZoneInfo("America/Edmonton")  # AgencyFactory's time zone


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


@dataclass
class Cohort:
    agency: Agency
    clients: dict[str, Client] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    program: Program | None = None


def _session(agency, element, key, day, hours, mode, location, status=SessionStatus.COMPLETED):
    return Session.objects.create(
        agency=agency,
        element=element,
        title=LazyI18nString({"en": f"Workshop {key}", "fr": f"Atelier {key}"}),
        starts_at=at(day),
        ends_at=at(day) + timedelta(hours=hours),
        delivery_mode=mode,
        in_person_capacity=20 if mode != "online" else 0,
        online_capacity=20 if mode != "in_person" else 0,
        location=location if mode != "online" else None,
        join_url="https://meet.example.org/x" if mode != "in_person" else "",
        status=status,
        language="en",
    )


def _register(session, client, *, mode, attendance="", attended_mode=""):
    return Registration.objects.create(
        agency=session.agency,
        session=session,
        client=client,
        mode=mode,
        status=RegistrationStatus.CONFIRMED,
        attendance=attendance,
        attended_mode=attended_mode,
    )


def build_cohort(agency: Agency) -> Cohort:
    cohort = Cohort(agency)
    location = Location.objects.create(
        agency=agency,
        name=LazyI18nString({"en": "Main office"}),
        kind=LocationKind.URBAN,
        postal_code="T2P 1J9",
    )
    people = {
        "C1": ("Amira", "rural", "pre_arrival", "fr", date(2026, 9, 2)),
        "C2": ("Bruno", "rural", "arrived", "fr", date(2026, 9, 3)),
        "C3": ("Chen", "urban", "arrived", "en", date(2026, 8, 10)),
        "C4": ("Dana", "urban", "pre_arrival", "en", None),
        "C5": ("Elif", "remote", "arrived", "ar", date(2026, 9, 5)),
        "C6": ("Farid", "urban", "arrived", "en", None),
    }
    for key, (name, place, arrival, language, intake) in people.items():
        cohort.clients[key] = ClientFactory(
            agency=agency,
            first_name=name,
            last_name="Test",
            location_type=place,
            arrival_status=arrival,
            preferred_language=language,
            intake_completed_at=at(intake) if intake else None,
            birth_date=date(1990, 5, 1),
        )
    c = cohort.clients
    program = Program.objects.create(
        network=agency.network, agency=agency, title=LazyI18nString({"en": "Jobs", "fr": "Emploi"})
    )
    cohort.program = program
    element = ServiceElement.objects.create(
        agency=agency,
        program=program,
        service_type=ServiceType.WORKSHOP,
        title=LazyI18nString({"en": "Workshop", "fr": "Atelier"}),
    )
    s = cohort.sessions
    s["S1"] = _session(agency, element, "S1", date(2026, 9, 10), 2, "in_person", location)
    s["S2"] = _session(agency, element, "S2", date(2026, 9, 12), 1, "online", location)
    s["S3"] = _session(agency, element, "S3", date(2026, 9, 15), 2, "hybrid", location)
    s["S4"] = _session(
        agency, element, "S4", date(2026, 9, 16), 2, "in_person", location, SessionStatus.CANCELLED
    )
    s["S5"] = _session(agency, element, "S5", date(2026, 8, 20), 2, "in_person", location)
    attended, no_show = AttendanceStatus.ATTENDED, AttendanceStatus.NO_SHOW
    _register(s["S1"], c["C1"], mode="in_person", attendance=attended, attended_mode="in_person")
    _register(s["S1"], c["C3"], mode="in_person", attendance=attended, attended_mode="in_person")
    _register(s["S1"], c["C4"], mode="in_person", attendance=no_show)
    _register(s["S2"], c["C1"], mode="online", attendance=attended, attended_mode="online")
    _register(s["S2"], c["C2"], mode="online", attendance=attended, attended_mode="online")
    _register(s["S2"], c["C5"], mode="online", attendance=no_show)
    _register(s["S3"], c["C2"], mode="online", attendance=attended, attended_mode="online")
    _register(s["S3"], c["C3"], mode="in_person", attendance=attended, attended_mode="in_person")
    _register(s["S3"], c["C5"], mode="online", attendance=attended, attended_mode="online")
    _register(s["S3"], c["C4"], mode="in_person")
    _register(s["S4"], c["C6"], mode="in_person")
    _register(s["S5"], c["C6"], mode="in_person", attendance=attended, attended_mode="in_person")
    _register(s["S5"], c["C3"], mode="in_person", attendance=attended, attended_mode="in_person")
    _register(s["S5"], c["C1"], mode="in_person", attendance=no_show)

    # Recording of S1: C1 watched twice, C2 once, in September.
    recording = Recording.objects.create(
        agency=agency,
        session=s["S1"],
        title=LazyI18nString({"en": "S1"}),
        url="https://v.example/1",
    )
    for client, day in ((c["C1"], 11), (c["C1"], 13), (c["C2"], 14)):
        view = RecordingView.objects.create(agency=agency, recording=recording, client=client)
        RecordingView.objects.filter(pk=view.pk).update(viewed_at=at(date(2026, 9, day)))

    # Courses: C1 09-05 → 09-09, C2 09-06 not done, C5 09-08 → 09-14.
    course = CourseFactory(network=agency.network)
    for client, start, done in (
        (c["C1"], date(2026, 9, 5), date(2026, 9, 9)),
        (c["C2"], date(2026, 9, 6), None),
        (c["C5"], date(2026, 9, 8), date(2026, 9, 14)),
    ):
        from tremplin.agencies.tests.factories import UserFactory

        enrolment = Enrolment.objects.create(
            agency=agency, course=course, user=UserFactory(), client=client
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(
            created_at=at(start), completed_at=at(done) if done else None
        )

    # Client survey: one agreement question, one recommendation question.
    survey = Survey.objects.create(
        network=agency.network,
        agency=agency,
        kind="end_of_program",
        audience="clients",
        title=LazyI18nString({"en": "End of program"}),
        languages=["en", "fr"],
    )
    section = Section.objects.create(agency=agency, survey=survey, name="main")
    likert = Question.objects.create(
        agency=agency,
        survey=survey,
        section=section,
        name="q1",
        question_type="likert",
        label=LazyI18nString({"en": "Useful"}),
    )
    nps = Question.objects.create(
        agency=agency,
        survey=survey,
        section=section,
        name="q2",
        question_type="nps",
        label=LazyI18nString({"en": "Recommend"}),
    )
    answers = (
        # client, mode, place, arrival, language, likert, nps
        (c["C1"], "online", "rural", "pre_arrival", "fr", 5, 10),
        (c["C2"], "hybrid", "rural", "arrived", "fr", 4, 7),
        (None, "in_person", "urban", "arrived", "en", 2, 3),
    )
    for client, mode, place, arrival, language, score, recommend in answers:
        response = Response.objects.create(
            agency=agency,
            survey=survey,
            is_anonymous=client is None,
            client=client,
            submitted_at=at(date(2026, 9, 20)),
            program=program,
            delivery_mode=mode,
            location_type=place,
            arrival_status=arrival,
            language=language,
        )
        Answer.objects.create(
            agency=agency, response=response, question=likert, value=score, number=score
        )
        Answer.objects.create(
            agency=agency, response=response, question=nps, value=recommend, number=recommend
        )
    for index, (client, status) in enumerate(
        (
            (c["C1"], "completed"),
            (c["C2"], "completed"),
            (c["C3"], "completed"),
            (c["C5"], "pending"),
        )
    ):
        Invitation.objects.create(
            agency=agency,
            survey=survey,
            client=client,
            token=f"token-{agency.slug}-{index}",
            status=status,
            expires_at=at(date(2026, 10, 30)),
            sent_at=at(date(2026, 9, 18)),
            program=program,
            delivery_mode="hybrid",
            location_type=client.location_type,
            arrival_status=client.arrival_status,
            language=client.preferred_language,
        )
    # Staff survey on virtual delivery: workshops rated 4 and 3.
    staff_survey = Survey.objects.create(
        network=agency.network,
        agency=agency,
        kind="staff_virtual",
        audience="staff",
        title=LazyI18nString({"en": "Virtual delivery"}),
        languages=["en"],
    )
    staff_section = Section.objects.create(agency=agency, survey=staff_survey, name="main")
    rating = Question.objects.create(
        agency=agency,
        survey=staff_survey,
        section=staff_section,
        name="workshop",
        question_type="likert",
        label=LazyI18nString({"en": "Workshops online"}),
        service_type="workshop",
    )
    for score in (4, 3):
        response = Response.objects.create(
            agency=agency, survey=staff_survey, submitted_at=at(date(2026, 9, 21))
        )
        Answer.objects.create(
            agency=agency, response=response, question=rating, value=score, number=score
        )

    # Follow-ups.
    for client, months, kind, hours_type, in_field, day in (
        (c["C1"], 6, "hired", "full_time", True, 20),
        (c["C2"], 6, "not_employed", "", None, 21),
        (c["C3"], 3, "hired", "part_time", False, 22),
        (c["C5"], 12, "self_employed", "full_time", True, 25),
    ):
        Outcome.objects.create(
            agency=agency,
            client=client,
            outcome_type=kind,
            employment_type=hours_type,
            in_field=in_field,
            follow_up_months=months,
            recorded_on=date(2026, 9, day),
            program=program,
        )

    # Needs assessment of C1 on 09-04: employment and mental health; referral for employment.
    assessment = NeedsAssessment.objects.create(agency=agency, client=c["C1"])
    NeedsAssessment.objects.filter(pk=assessment.pk).update(created_at=at(date(2026, 9, 4)))
    for need in ("employment", "mental_health"):
        ClientNeed.objects.create(agency=agency, client=c["C1"], assessment=assessment, need=need)
    Referral.objects.create(
        agency=agency,
        client=c["C1"],
        kind=ReferralKind.EXTERNAL,
        need="employment",
        to_name="Job bank",
        made_on=date(2026, 9, 5),
    )
    # Funder identifiers: C1 and C3 complete; C2 has none; C5 has no date of birth.
    FunderProfile.objects.create(
        agency=agency, client=c["C1"], identifier_type="foss_gcms", identifier_value="UCI1111"
    )
    FunderProfile.objects.create(
        agency=agency, client=c["C3"], identifier_type="imm5292", identifier_value="IMM2222"
    )
    FunderProfile.objects.create(
        agency=agency, client=c["C5"], identifier_type="foss_gcms", identifier_value="UCI5555"
    )
    Client.objects.filter(pk=c["C5"].pk).update(birth_date=None)
    first_services_refresh(agency_ids=[agency.pk])  # what the periodic task does
    return cohort
