"""The network's survey templates, shipped with Tremplin, bilingual, adopted in one click.

`ensure_network_templates(network)` creates any that is missing (keyed by `template_key`), so the
templates page and the demo can both call it.
"""

from typing import Any

from django.db import transaction
from django.utils import translation
from i18nfield.strings import LazyI18nString

from tremplin.agencies.models import Network
from tremplin.programs.models import ServiceType
from tremplin.surveys.models import Audience, Question, Section, Survey, SurveyKind


def _t(en: str, fr: str) -> dict[str, str]:
    return {"en": en, "fr": fr}


def _choices(*items: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": _t(en, fr)} for v, en, fr in items]


ONLINE = {"q": "attended_how", "op": "in", "value": ["online", "both"]}

END_OF_PROGRAM: dict[str, Any] = {
    "key": "end_of_program",
    "kind": SurveyKind.END_OF_PROGRAM,
    "audience": Audience.CLIENTS,
    "anonymous": True,
    "title": _t("End-of-program survey", "Sondage de fin de programme"),
    "description": _t(
        "Your answers are anonymous. They help us improve the program, in person and online.",
        "Vos réponses sont anonymes. Elles nous aident à améliorer le programme, en personne et en ligne.",
    ),
    "pages": [
        (
            "experience",
            _t("Your experience", "Votre expérience"),
            None,
            [
                dict(
                    name="satisfaction",
                    question_type="likert",
                    required=True,
                    label=_t(
                        "Overall, I am satisfied with the program.",
                        "Dans l'ensemble, je suis satisfait·e du programme.",
                    ),
                ),
                dict(
                    name="recommend",
                    question_type="nps",
                    required=True,
                    label=_t(
                        "How likely are you to recommend this program to a friend?",
                        "Quelle est la probabilité que vous recommandiez ce programme à un ami ?",
                    ),
                ),
                dict(
                    name="helped_job_search",
                    question_type="likert",
                    label=_t(
                        "The program helped me in my job search.",
                        "Le programme m'a aidé·e dans ma recherche d'emploi.",
                    ),
                ),
            ],
        ),
        (
            "virtual",
            _t("Taking part online", "Participer en ligne"),
            None,
            [
                dict(
                    name="attended_how",
                    question_type="single",
                    required=True,
                    label=_t(
                        "How did you attend most parts of the program?",
                        "Comment avez-vous suivi la plupart des activités du programme ?",
                    ),
                    choices=_choices(
                        ("in_person", "In person", "En personne"),
                        ("online", "Online", "En ligne"),
                        ("both", "Both", "Les deux"),
                    ),
                ),
                dict(
                    name="join_ease",
                    question_type="likert",
                    required=True,
                    relevance=ONLINE,
                    label=_t(
                        "Joining the online sessions was easy.",
                        "Il était facile de rejoindre les séances en ligne.",
                    ),
                ),
                dict(
                    name="better_online",
                    question_type="text",
                    relevance=ONLINE,
                    label=_t(
                        "What worked better online than in person?",
                        "Qu'est-ce qui a mieux fonctionné en ligne qu'en personne ?",
                    ),
                ),
                dict(
                    name="worse_online",
                    question_type="text",
                    relevance=ONLINE,
                    label=_t(
                        "What worked less well online than in person?",
                        "Qu'est-ce qui a moins bien fonctionné en ligne qu'en personne ?",
                    ),
                ),
                dict(
                    name="barriers",
                    question_type="multiple",
                    label=_t(
                        "What made it hard to take part? Tick all that apply.",
                        "Qu'est-ce qui a rendu votre participation difficile ? Cochez tout ce qui s'applique.",
                    ),
                    choices=_choices(
                        ("internet", "Internet connection", "Connexion Internet"),
                        ("device", "No suitable device", "Pas d'appareil adapté"),
                        ("childcare", "Childcare", "Garde d'enfants"),
                        ("transport", "Transportation", "Transport"),
                        ("cost", "Cost", "Coût"),
                        ("none", "Nothing", "Rien"),
                    ),
                ),
            ],
        ),
        (
            "comments",
            _t("Anything else?", "Autre chose ?"),
            None,
            [
                dict(
                    name="comments",
                    question_type="text",
                    label=_t(
                        "Is there anything else you would like to tell us?",
                        "Voulez-vous nous dire autre chose ?",
                    ),
                )
            ],
        ),
    ],
}

EMPLOYED = {"q": "employed", "op": "eq", "value": "yes"}

FOLLOW_UP: dict[str, Any] = {
    "key": "employment_follow_up",
    "kind": SurveyKind.FOLLOW_UP,
    "audience": Audience.CLIENTS,
    "anonymous": False,
    "title": _t("Employment follow-up", "Suivi de l'emploi"),
    "description": _t(
        "A few questions on your work since the program. It takes two minutes.",
        "Quelques questions sur votre travail depuis le programme. Cela prend deux minutes.",
    ),
    "pages": [
        (
            "status",
            _t("Your situation", "Votre situation"),
            None,
            [
                dict(
                    name="employed",
                    question_type="yes_no",
                    required=True,
                    outcome_field="employed",
                    label=_t("Do you have a job now?", "Avez-vous un emploi en ce moment ?"),
                )
            ],
        ),
        (
            "job",
            _t("Your job", "Votre emploi"),
            EMPLOYED,
            [
                dict(
                    name="employer",
                    question_type="text",
                    outcome_field="employer_name",
                    label=_t("Who is your employer?", "Qui est votre employeur ?"),
                ),
                dict(
                    name="noc",
                    question_type="text",
                    outcome_field="noc_code",
                    label=_t(
                        "Occupation code (NOC 2021), if you know it",
                        "Code de profession (CNP 2021), si vous le connaissez",
                    ),
                    hint=_t("Five digits, for example 21232.", "Cinq chiffres, par exemple 21232."),
                ),
                dict(
                    name="in_field",
                    question_type="yes_no",
                    required=True,
                    outcome_field="in_field",
                    label=_t(
                        "Is this job in the field of your training or experience?",
                        "Cet emploi est-il dans le domaine de votre formation ou de votre expérience ?",
                    ),
                ),
                dict(
                    name="employment_type",
                    question_type="single",
                    required=True,
                    outcome_field="employment_type",
                    label=_t("Full time or part time?", "Temps plein ou temps partiel ?"),
                    choices=_choices(
                        ("full_time", "Full time", "Temps plein"),
                        ("part_time", "Part time", "Temps partiel"),
                    ),
                ),
                dict(
                    name="hours",
                    question_type="number",
                    min_value=1,
                    max_value=80,
                    outcome_field="hours_per_week",
                    label=_t("Hours per week", "Heures par semaine"),
                ),
                dict(
                    name="wage_band",
                    question_type="single",
                    outcome_field="wage_band",
                    label=_t("Hourly wage", "Salaire horaire"),
                    choices=_choices(
                        ("under_18", "Under $18", "Moins de 18 $"),
                        ("18_22", "$18 to $22", "De 18 $ à 22 $"),
                        ("22_28", "$22 to $28", "De 22 $ à 28 $"),
                        ("28_35", "$28 to $35", "De 28 $ à 35 $"),
                        ("over_35", "Over $35", "Plus de 35 $"),
                    ),
                ),
                dict(
                    name="start_date",
                    question_type="date",
                    outcome_field="start_date",
                    label=_t("When did you start?", "Quand avez-vous commencé ?"),
                ),
            ],
        ),
        (
            "support",
            _t("Support", "Soutien"),
            None,
            [
                dict(
                    name="needs_support",
                    question_type="yes_no",
                    label=_t(
                        "Do you still need support from us?",
                        "Avez-vous encore besoin de notre soutien ?",
                    ),
                ),
                dict(
                    name="contact_again",
                    question_type="yes_no",
                    required=True,
                    label=_t(
                        "May we contact you again for the next follow-up?",
                        "Pouvons-nous vous recontacter pour le prochain suivi ?",
                    ),
                ),
            ],
        ),
    ],
}


def _staff_survey() -> dict[str, Any]:
    questions = []
    for service_type in ServiceType:
        with translation.override("en"):
            en = str(service_type.label)
        with translation.override("fr"):
            fr = str(service_type.label)
        questions.append(
            dict(
                name=f"rate_{service_type.value}",
                question_type="likert",
                service_type=service_type.value,
                label=_t(
                    f"“{en}” works well when delivered online.",
                    f"« {fr} » fonctionne bien en ligne.",
                ),
            )
        )
    questions.append(
        dict(
            name="suggestions",
            question_type="text",
            label=_t(
                "What would make online delivery work better?",
                "Qu'est-ce qui améliorerait la prestation en ligne ?",
            ),
        )
    )
    return {
        "key": "staff_virtual_delivery",
        "kind": SurveyKind.STAFF_VIRTUAL,
        "audience": Audience.STAFF,
        "anonymous": True,
        "title": _t(
            "Staff survey: virtual delivery", "Sondage du personnel : prestation virtuelle"
        ),
        "description": _t(
            "Rate how well each part of the program works online. Only the parts of your program are shown.",
            "Évaluez comment chaque volet du programme fonctionne en ligne. Seuls les volets de votre programme sont affichés.",
        ),
        "pages": [("ratings", _t("Ratings", "Évaluations"), None, questions)],
    }


def template_specs() -> list[dict[str, Any]]:
    return [END_OF_PROGRAM, _staff_survey(), FOLLOW_UP]


@transaction.atomic
def ensure_network_templates(network: Network) -> list[Survey]:
    surveys = []
    for spec in template_specs():
        survey = (
            Survey.objects.with_scope(agency=None)
            .filter(network=network, agency__isnull=True, template_key=spec["key"])
            .first()
        )
        if survey is None:
            survey = _create(network, spec)
        surveys.append(survey)
    return surveys


def _create(network: Network, spec: dict[str, Any]) -> Survey:
    survey = Survey.objects.with_scope(agency=None).create(
        network=network,
        agency=None,
        template_key=spec["key"],
        kind=spec["kind"],
        audience=spec["audience"],
        is_anonymous=spec["anonymous"],
        title=LazyI18nString(spec["title"]),
        description=LazyI18nString(spec["description"]),
        languages=["en", "fr"],
    )
    for position, (name, title, relevance, questions) in enumerate(spec["pages"], start=1):
        section = Section.objects.with_scope(agency=None).create(
            survey=survey,
            position=position,
            name=name,
            title=LazyI18nString(title),
            relevance=relevance,
        )
        Question.objects.with_scope(agency=None).bulk_create(
            Question(
                survey=survey,
                section=section,
                position=index,
                **{
                    **fields,
                    "label": LazyI18nString(fields["label"]),
                    "hint": LazyI18nString(fields.get("hint", "")),
                },
            )
            for index, fields in enumerate(questions, start=1)
        )
    return survey
