"""Triggers and follow-ups with a frozen clock: a completion on a given day produces the
end-of-program invitation at once and the follow-ups exactly at +3, +6 and +12 months, 10:00 in
the client's time zone; a worker that is down, or crashes mid-run, loses none; one reminder."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tremplin.agencies.tests.factories import UserFactory
from tremplin.clients.services import consent_give
from tremplin.clients.tests.factories import ClientFactory
from tremplin.outcomes.models import Completion, Outcome, OutcomeSource
from tremplin.programs.models import Registration, ServiceType
from tremplin.programs.tests.factories import ProgramFactory, ServiceElementFactory, SessionFactory
from tremplin.surveys import services
from tremplin.surveys.models import (
    FollowUpSchedule,
    Invitation,
    InvitationTrigger,
    ScheduleStatus,
    SurveyKind,
)
from tremplin.surveys.tasks import process_survey_schedule
from tremplin.surveys.templates_data import ensure_network_templates

pytestmark = pytest.mark.django_db
HALIFAX = ZoneInfo("America/Halifax")


class Clock:
    def __init__(self, monkeypatch, start: datetime) -> None:
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, moment: datetime) -> None:
        self.now = moment


def worker_run() -> dict[str, int]:
    """What the huey consumer runs every minute (called directly: same code path)."""
    return process_survey_schedule.call_local()


@pytest.fixture
def setup(agency, monkeypatch):
    for template in ensure_network_templates(agency.network):
        if template.kind in (SurveyKind.END_OF_PROGRAM, SurveyKind.FOLLOW_UP):
            services.survey_adopt(template=template, agency=agency, actor=None)
    # The client lives in Halifax while the agency is in Edmonton: their own zone counts.
    person = ClientFactory(
        agency=agency, user=UserFactory(time_zone="America/Halifax"), preferred_channels=["email"]
    )
    consent_give(client=person, purpose="contact_email", actor=None)
    program = ProgramFactory(agency=agency)
    clock = Clock(monkeypatch, datetime(2026, 1, 20, 12, 0, tzinfo=HALIFAX))
    last_end = None
    for index, kind in enumerate((ServiceType.WORKSHOP, ServiceType.MENTORING)):
        element = ServiceElementFactory(program=program, service_type=kind)
        starts = datetime(
            2026, 1, 15 + index * 15, 23, 0, tzinfo=HALIFAX
        )  # the 2nd ends 31 Jan, 01:00 Halifax
        session = SessionFactory(
            element=element, starts_at=starts, ends_at=starts + timedelta(hours=2)
        )
        last_end = session.ends_at
        Registration.objects.create(
            agency=agency,
            session=session,
            client=person,
            mode="online",
            status="confirmed",
            attendance="attended",
            attended_mode="online",
        )
    return person, program, clock, last_end


def test_completion_triggers_the_survey_now_and_follow_ups_at_3_6_12_months(setup):
    person, program, clock, last_end = setup
    clock.set(last_end + timedelta(hours=1))
    result = worker_run()
    completion = Completion.objects.get(client=person, program=program)
    assert (
        completion.completed_on.isoformat() == "2026-01-31"
    )  # the client's date, not Edmonton's (30 Jan)
    assert result["completions"] == 1 and result["sent"] == 1
    end_of_program = Invitation.objects.get(
        client=person, trigger=InvitationTrigger.PROGRAM_COMPLETION
    )
    assert end_of_program.sent_at == clock.now and end_of_program.delivery_mode == "online"
    due = {
        row.months: row.due_at.astimezone(HALIFAX)
        for row in FollowUpSchedule.objects.filter(months__gt=0)
    }
    assert due == {
        3: datetime(2026, 4, 30, 10, 0, tzinfo=HALIFAX),  # 31 April does not exist
        6: datetime(2026, 7, 31, 10, 0, tzinfo=HALIFAX),
        12: datetime(2027, 1, 31, 10, 0, tzinfo=HALIFAX),
    }
    # Running again changes nothing.
    assert worker_run() == {"completions": 0, "sent": 0, "reminded": 0}

    clock.set(due[3] - timedelta(minutes=1))
    worker_run()
    assert not Invitation.objects.filter(follow_up_months=3).exists()
    clock.set(due[3])
    worker_run()
    three = Invitation.objects.get(follow_up_months=3)
    assert three.sent_at == due[3] and three.trigger == InvitationTrigger.FOLLOW_UP

    # The worker crashes while sending the 6-month invitation: the row stays pending.
    clock.set(due[6] + timedelta(minutes=1))
    original = services.invitation_create

    def crash(**kwargs):
        raise RuntimeError("worker killed")

    services.invitation_create = crash
    try:
        worker_run()
    finally:
        services.invitation_create = original
    assert FollowUpSchedule.objects.get(months=6).status == ScheduleStatus.PENDING
    assert not Invitation.objects.filter(follow_up_months=6).exists()

    # Down until after the 12-month date; on restart both are sent, once each.
    clock.set(due[12] + timedelta(days=2))
    worker_run()
    worker_run()
    assert sorted(
        Invitation.objects.filter(trigger=InvitationTrigger.FOLLOW_UP).values_list(
            "follow_up_months", flat=True
        )
    ) == [3, 6, 12]
    assert set(FollowUpSchedule.objects.values_list("status", flat=True)) == {ScheduleStatus.SENT}


def test_one_reminder_after_n_days_and_only_one(setup):
    person, program, clock, last_end = setup
    clock.set(last_end + timedelta(hours=1))
    worker_run()
    invitation = Invitation.objects.get(trigger=InvitationTrigger.PROGRAM_COMPLETION)
    clock.set(invitation.sent_at + timedelta(days=7) - timedelta(minutes=1))
    assert worker_run()["reminded"] == 0
    clock.set(invitation.sent_at + timedelta(days=7))
    assert worker_run()["reminded"] == 1
    clock.set(invitation.sent_at + timedelta(days=9))
    assert worker_run()["reminded"] == 0
    invitation.refresh_from_db()
    assert invitation.reminded_at == invitation.sent_at + timedelta(days=7)


def test_follow_ups_can_count_from_a_recorded_hire(setup, agency):
    from tremplin.outcomes.services import outcome_record

    person, program, clock, last_end = setup
    row = services.survey_settings_for(agency)
    row.follow_up_basis = "hire"
    row.save()
    clock.set(last_end + timedelta(hours=1))
    worker_run()
    assert not FollowUpSchedule.objects.filter(months__gt=0).exists()
    hire = outcome_record(
        agency=agency,
        client=person,
        actor=None,
        outcome_type="hired",
        source=OutcomeSource.STAFF,
        recorded_on=clock.now.date(),
        start_date=clock.now.date() + timedelta(days=10),
        employer_name="Maple Tech",
    )
    rows = FollowUpSchedule.objects.filter(outcome=hire).order_by("months")
    assert [(r.months, r.due_at.astimezone(HALIFAX).date().isoformat()) for r in rows] == [
        (3, "2026-05-10"),
        (6, "2026-08-10"),
        (12, "2027-02-10"),
    ]
    assert Outcome.objects.count() == 1


def test_a_completed_course_triggers_the_end_of_program_survey(setup, agency):
    from i18nfield.strings import LazyI18nString

    from tremplin.learning.models import Course, Enrolment

    person, program, clock, last_end = setup
    course = Course.objects.create(
        network=agency.network,
        agency=agency,
        language="fr",
        title=LazyI18nString({"en": "Resumes", "fr": "CV"}),
    )
    Enrolment.objects.create(
        agency=agency, course=course, user=person.user, client=person, completed_at=clock.now
    )
    worker_run()
    completion = Completion.objects.get(client=person, course=course)
    assert completion.kind == "course"
    invitation = Invitation.objects.get(client=person, trigger=InvitationTrigger.COURSE_COMPLETION)
    assert invitation.course == course and invitation.follow_up_months == 0


def test_the_staff_survey_shows_only_the_element_types_of_the_program(
    setup, agency, client, facilitator
):
    person, program, clock, last_end = setup
    template = next(
        t for t in ensure_network_templates(agency.network) if t.kind == SurveyKind.STAFF_VIRTUAL
    )
    survey = services.survey_adopt(template=template, agency=agency, actor=None)
    invitation = services.invitation_create(
        survey=survey, actor=None, user=facilitator, program=program, send=False
    )
    pages = services.survey_pages(survey)
    shown = [
        q.name
        for q in services.visible_questions(
            pages, {}, services.questions_excluded_for(invitation, pages)
        )
    ]
    assert shown == ["rate_workshop", "rate_mentoring", "suggestions"]
    response = services.response_submit(
        invitation=invitation, answers={"rate_workshop": 4, "rate_hiring_event": 2}, language="en"
    )
    assert [a.question.name for a in response.answers.all()] == ["rate_workshop"]
    assert response.user_id is None  # the staff survey template is anonymous
