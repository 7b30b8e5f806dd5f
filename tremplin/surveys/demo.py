"""Demo: a year of evaluation history in every demo agency, for the dashboards.

Each agency adopts the three network survey templates and turns on automatic invitations.
Past participants (completions a week or two apart over the last eighteen months, in English and
French, urban, rural and remote, in person, online and hybrid) completed the agency's first
program; each got the end-of-program survey (anonymous; about 60 % answered, some only partly)
and the employment follow-ups at 3, 6 and 12 months once due (about 55 %, 45 % and 35 %
answered), whose answers became outcomes; staff recorded a few more. Future follow-ups are
pending in the schedule.

Everything is written with bulk inserts from a seeded random generator: fast and the same every
time. Idempotent: an agency that already has completions is left alone.
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from tremplin.agencies.models import Agency
from tremplin.clients.models import ArrivalStatus, Client, LocationType
from tremplin.clients.validation import search_text_for
from tremplin.core.demodata import DemoNetwork
from tremplin.outcomes.models import Completion, CompletionKind, Outcome, OutcomeSource, OutcomeType
from tremplin.programs.models import Program
from tremplin.surveys.models import (
    Answer,
    FollowUpSchedule,
    Invitation,
    InvitationStatus,
    InvitationTrigger,
    Question,
    Response,
    ScheduleStatus,
    Survey,
    SurveyKind,
    SurveySettings,
)
from tremplin.surveys.services import add_months, survey_adopt
from tremplin.surveys.templates_data import ensure_network_templates

PARTICIPANTS = 48  # per agency
# Completions over the last 18 months, so that the year before today has 12-month follow-ups too.
HISTORY_DAYS = 540
RESPONSE_RATES = {0: 0.6, 3: 0.55, 6: 0.45, 12: 0.35}
FIRST = [
    "Amina",
    "Karim",
    "Lucía",
    "Nguyen",
    "Fatima",
    "Oleksandr",
    "Priya",
    "Joseph",
    "Mariam",
    "Diego",
    "Aïcha",
    "Samuel",
    "Leila",
    "Tariq",
    "Chloé",
    "Wei",
    "Grace",
    "Youssef",
]
LAST = [
    "Haddad",
    "Okafor",
    "Moreno",
    "Tran",
    "Rahimi",
    "Kovalenko",
    "Sharma",
    "Mensah",
    "Diallo",
    "Castillo",
    "Traoré",
    "Nkemelu",
    "Farah",
    "Qureshi",
    "Lefebvre",
    "Zhang",
    "Mwangi",
    "Benali",
]
EMPLOYERS = [
    "Prairie Foods Co-op",
    "Northern Logistics",
    "Clinique Santé Plus",
    "Maple Tech",
    "Groupe Boréal",
    "City Hospital",
    "BuildRight Construction",
    "Café Soleil",
]
NOCS = ["65200", "75110", "33102", "21232", "14110", "73300", "63200", "13110"]
COMMENTS = {
    "en": [
        "The online workshops fit around my job.",
        "More practice interviews, please.",
        "My counsellor was very helpful.",
        "The internet in my town kept cutting out.",
    ],
    "fr": [
        "Les ateliers en ligne s'adaptaient à mon horaire.",
        "Plus de simulations d'entrevue, s'il vous plaît.",
        "Ma conseillère m'a beaucoup aidé.",
        "Internet coupait souvent dans mon village.",
    ],
}


def load(demo: DemoNetwork) -> None:
    templates = {s.kind: s for s in ensure_network_templates(demo.network)}
    for agency in demo.agencies.values():
        if Completion.objects.filter(agency=agency).exists():
            continue
        program = Program.objects.filter(agency=agency).order_by("id").first()
        if program is None:
            continue
        _load_agency(agency, program, templates, random.Random(f"surveys-{agency.slug}"))


def _adopted(agency: Agency, templates: dict[str, Survey]) -> dict[str, Survey]:
    surveys = {}
    for kind, template in templates.items():
        survey = Survey.objects.filter(agency=agency, template=template).first()
        surveys[kind] = survey or survey_adopt(template=template, agency=agency, actor=None)
    return surveys


def _load_agency(
    agency: Agency, program: Program, templates: dict[str, Survey], rng: random.Random
) -> None:
    surveys = _adopted(agency, templates)
    SurveySettings.objects.update_or_create(
        agency=agency,
        defaults={
            "end_of_program_survey": surveys[SurveyKind.END_OF_PROGRAM],
            "follow_up_survey": surveys[SurveyKind.FOLLOW_UP],
            "reminder_after_days": 7,
            "valid_days": 30,
        },
    )
    zone = ZoneInfo(agency.time_zone)
    now = timezone.now()
    today = now.astimezone(zone).date()
    clients = _participants(agency, rng)
    questions = {
        kind: {q.name: q for q in Question.objects.filter(survey=surveys[kind])}
        for kind in (SurveyKind.END_OF_PROGRAM, SurveyKind.FOLLOW_UP)
    }
    completions, invitations, schedule = [], [], []
    plans: list[tuple[Client, date, str]] = []
    for index, client in enumerate(clients):
        completed_on = today - timedelta(
            days=HISTORY_DAYS - index * (HISTORY_DAYS // len(clients)) + rng.randint(0, 5)
        )
        mode = rng.choices(["in_person", "online", "hybrid"], weights=[3, 4, 3])[0]
        completions.append(
            Completion(
                agency=agency,
                client=client,
                kind=CompletionKind.PROGRAM,
                program=program,
                completed_on=completed_on,
            )
        )
        plans.append((client, completed_on, mode))
    Completion.objects.bulk_create(completions)
    completions = list(
        Completion.objects.filter(agency=agency).select_related("client").order_by("id")
    )
    responses: list[Response] = []
    answers: list[tuple[Response, dict[str, Any], SurveyKind]] = []
    outcomes: list[Outcome] = []
    for completion, (client, completed_on, mode) in zip(completions, plans, strict=True):
        for months in (0, 3, 6, 12):
            due_day = add_months(completed_on, months)
            due_at = datetime.combine(due_day, time(10), tzinfo=zone)
            survey = surveys[SurveyKind.END_OF_PROGRAM if months == 0 else SurveyKind.FOLLOW_UP]
            row = FollowUpSchedule(
                agency=agency,
                client=client,
                survey=survey,
                completion=completion,
                program=program,
                months=months,
                exit_date=completed_on,
                due_at=due_at,
            )
            schedule.append(row)
            if due_day > today:
                continue  # still pending
            row.status, row.processed_at = ScheduleStatus.SENT, due_at
            answered = rng.random() < RESPONSE_RATES[months]
            partial = not answered and rng.random() < 0.25
            expires = due_at + timedelta(days=30)
            invitation = Invitation(
                agency=agency,
                survey=survey,
                client=client,
                program=program,
                trigger=InvitationTrigger.PROGRAM_COMPLETION
                if months == 0
                else InvitationTrigger.FOLLOW_UP,
                follow_up_months=months,
                language=client.preferred_language,
                delivery_mode=_mode(mode),
                location_type=client.location_type,
                arrival_status=client.arrival_status,
                expires_at=expires,
                sent_at=due_at,
                channel="email",
                status=InvitationStatus.COMPLETED
                if answered
                else (InvitationStatus.PARTIAL if partial else InvitationStatus.PENDING),
            )
            if not answered and due_day + timedelta(days=7) <= today:
                invitation.reminded_at = due_at + timedelta(days=7)
            submitted = due_at + timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 8))
            if answered:
                invitation.opened_at = invitation.completed_at = submitted
            if partial:
                invitation.opened_at = submitted
                invitation.draft = (
                    {"satisfaction": rng.randint(3, 5)} if months == 0 else {"employed": "yes"}
                )
            invitations.append(invitation)
            row.invitation = invitation
            if not answered:
                continue
            anonymous = survey.is_anonymous
            response = Response(
                agency=agency,
                survey=survey,
                is_anonymous=anonymous,
                client=None if anonymous else client,
                invitation=None if anonymous else invitation,
                submitted_at=submitted.replace(hour=0, minute=0, second=0, microsecond=0)
                if anonymous
                else submitted,
                program=program,
                delivery_mode=_mode(mode),
                location_type=client.location_type,
                arrival_status=client.arrival_status,
                language=client.preferred_language,
                follow_up_months=months,
            )
            responses.append(response)
            values = (
                _end_of_program(rng, mode, client)
                if months == 0
                else _follow_up(rng, months, client)
            )
            answers.append(
                (
                    response,
                    values,
                    SurveyKind.END_OF_PROGRAM if months == 0 else SurveyKind.FOLLOW_UP,
                )
            )
            if months:
                outcomes.append(
                    _outcome(agency, client, program, values, submitted, months, response)
                )
    Invitation.objects.bulk_create(invitations)
    for row in schedule:
        row.invitation_id = row.invitation.pk if row.invitation is not None else None
    FollowUpSchedule.objects.bulk_create(schedule)
    for response in responses:
        if response.invitation is not None:
            response.invitation_id = response.invitation.pk
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        Answer(
            agency=agency,
            response=response,
            question=questions[kind][name],
            value=value,
            number=_number(questions[kind][name], value),
        )
        for response, values, kind in answers
        for name, value in values.items()
    )
    # Staff-recorded outcomes: a few clients who told their counsellor rather than the survey.
    for client, completed_on, _ in plans[::9]:
        outcomes.append(
            Outcome(
                agency=agency,
                client=client,
                program=program,
                outcome_type=rng.choice(
                    [OutcomeType.SCHOOL, OutcomeType.SELF_EMPLOYED, OutcomeType.HIRED]
                ),
                employer_name="",
                school_name="",
                source=OutcomeSource.STAFF,
                recorded_on=min(today, completed_on + timedelta(days=30)),
            )
        )
    for outcome in outcomes:
        if outcome.outcome_type == OutcomeType.SCHOOL:
            outcome.school_name = "Bow Valley College"
        if outcome.outcome_type == OutcomeType.HIRED and not outcome.employer_name:
            outcome.employer_name = rng.choice(EMPLOYERS)
        if outcome.response is not None:
            outcome.response_id = outcome.response.pk
    Outcome.objects.bulk_create(outcomes)


def _mode(mode: str) -> str:
    return mode


def _participants(agency: Agency, rng: random.Random) -> list[Client]:
    people = []
    for index in range(PARTICIPANTS):
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7 + 3) % len(LAST)]
        people.append(
            Client(
                agency=agency,
                first_name=first,
                last_name=f"{last}",
                email=f"alumni{index}.{agency.slug}@clients.example.org",
                preferred_language="fr"
                if (index % 3 == 0) != (agency.default_language == "fr")
                else "en",
                preferred_channels=["email"],
                location_type=rng.choices(
                    [LocationType.URBAN, LocationType.RURAL, LocationType.REMOTE], weights=[5, 3, 1]
                )[0],
                arrival_status=ArrivalStatus.ARRIVED if index % 6 else ArrivalStatus.PRE_ARRIVAL,
                search_text=search_text_for(
                    first_name=first,
                    last_name=last,
                    email=f"alumni{index}.{agency.slug}@clients.example.org",
                    phone="",
                ),
            )
        )
    Client.objects.bulk_create(people)
    return list(Client.objects.filter(agency=agency, email__startswith="alumni").order_by("id"))


def _end_of_program(rng: random.Random, mode: str, client: Client) -> dict[str, Any]:
    how = {"in_person": "in_person", "online": "online", "hybrid": "both"}[mode]
    values: dict[str, Any] = {
        "satisfaction": rng.choices([2, 3, 4, 5], weights=[1, 2, 5, 4])[0],
        "recommend": rng.choices(range(11), weights=[1, 0, 1, 1, 1, 2, 3, 5, 8, 8, 7])[0],
        "helped_job_search": rng.randint(3, 5),
        "attended_how": how,
    }
    if how != "in_person":
        rural = client.location_type != LocationType.URBAN
        values["join_ease"] = rng.choices([2, 3, 4, 5], weights=[3 if rural else 1, 3, 4, 3])[0]
        barriers = [
            b
            for b, p in (
                ("internet", 0.5 if rural else 0.15),
                ("device", 0.2),
                ("childcare", 0.2),
                ("cost", 0.1),
            )
            if rng.random() < p
        ]
        values["barriers"] = barriers or ["none"]
    elif rng.random() < 0.5:
        values["barriers"] = [b for b in ("transport", "childcare") if rng.random() < 0.5] or [
            "none"
        ]
    if rng.random() < 0.3:
        values["comments"] = rng.choice(
            COMMENTS[client.preferred_language if client.preferred_language in COMMENTS else "en"]
        )
    return values


def _follow_up(rng: random.Random, months: int, client: Client) -> dict[str, Any]:
    employed = rng.random() < {3: 0.45, 6: 0.58, 12: 0.68}[months]
    values: dict[str, Any] = {"employed": "yes" if employed else "no"}
    if employed:
        values.update(
            employer=rng.choice(EMPLOYERS),
            noc=rng.choice(NOCS),
            in_field=rng.choices(["yes", "no"], weights=[4 if months == 12 else 3, 3])[0],
            employment_type=rng.choices(["full_time", "part_time"], weights=[3, 2])[0],
            hours=rng.choice([20, 25, 30, 37, 40]),
            wage_band=rng.choices(
                ["under_18", "18_22", "22_28", "28_35", "over_35"], weights=[2, 4, 4, 2, 1]
            )[0],
        )
    values["needs_support"] = rng.choice(["yes", "no"])
    values["contact_again"] = "yes" if rng.random() < 0.85 else "no"
    return values


def _number(question: Question, value: Any) -> float | None:
    if question.question_type in ("likert", "nps", "number"):
        return float(value)
    if question.question_type == "yes_no":
        return 1.0 if value == "yes" else 0.0
    return None


def _outcome(
    agency: Agency,
    client: Client,
    program: Program,
    values: dict[str, Any],
    submitted: datetime,
    months: int,
    response: Response,
) -> Outcome:
    employed = values["employed"] == "yes"
    return Outcome(
        agency=agency,
        client=client,
        program=program,
        outcome_type=OutcomeType.HIRED if employed else OutcomeType.NOT_EMPLOYED,
        employer_name=values.get("employer", ""),
        noc_code=values.get("noc", ""),
        employment_type=values.get("employment_type", ""),
        hours_per_week=values.get("hours"),
        wage_band=values.get("wage_band", ""),
        in_field=None if not employed else values.get("in_field") == "yes",
        source=OutcomeSource.SURVEY,
        response=response,
        follow_up_months=months,
        recorded_on=submitted.date(),
    )
