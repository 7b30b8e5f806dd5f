"""`tremplin assistant bench --agency SLUG`: how fast a new example goes live, and chat round trips.

Everything runs in one transaction that is rolled back: the agency's data is left as it was.
"""

import statistics
import time
import uuid

from django.core.management.base import OutputWrapper
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tremplin.agencies.models import Agency
from tremplin.assistant.brain import brain_train, understanding_for
from tremplin.assistant.models import KnowledgeIntent
from tremplin.assistant.services import intent_example_create

MESSAGES = [
    "when is the next resume workshop?",
    "c'est quand le prochain atelier CV?",
    "do you help with resumes?",
    "aidez-vous avec les CV?",
    "what are your office hours",
    "quelles sont vos heures d'ouverture",
    "is it free?",
    "c'est gratuit?",
    "I want to talk to a real person",
    "hello",
    "bonjour",
    "merci",
    "where is your office in Brooks",
    "je veux m'inscrire à l'atelier CV",
    "who won the hockey game last night?",
    "¿Dónde está su oficina?",
    "मुझे नौकरी चाहिए",
    "سلام، به کمک نیاز دارم",
]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_bench(*, agency: Agency, messages: int, out: OutputWrapper) -> None:
    with transaction.atomic():
        _bench(agency, messages, out)
        transaction.set_rollback(True)


def _bench(agency: Agency, messages: int, out: OutputWrapper) -> None:
    if understanding_for(agency=agency) is None:
        out.write(
            f"{agency.slug}: not trained yet; run `tremplin assistant train --agency {agency.slug}` first.\n"
        )
        return
    intent = KnowledgeIntent.objects.get(agency=agency, intent_id="office_hours")
    text = f"office hours on the long weekend {uuid.uuid4().hex[:6]}"
    started = time.perf_counter()
    intent_example_create(intent=intent, language="en", text=text, actor=None)
    added = time.perf_counter()
    brain = brain_train(agency=agency)  # what the background task runs
    trained = time.perf_counter()
    understanding = understanding_for(agency=agency)  # what the next web request does
    live = time.perf_counter()
    assert (
        understanding is not None
        and (intent.intent_id, "en", text) in understanding.training_examples
    )
    out.write(f"encoder {brain.encoder_name}, {brain.example_count} examples\n")
    out.write(
        f"new example live in {live - started:.2f} s  (write {added - started:.2f} s, retrain {trained - added:.2f} s, "
        f"worker reload {live - trained:.2f} s; add the task queue's pick-up delay, at most 1 s on SQLite)\n"
    )

    browser = Client(HTTP_HOST="localhost")
    url = reverse("assistant:chat", kwargs={"agency_slug": agency.slug})
    timings = []
    for index in range(messages):
        browser.cookies.clear()  # a new visitor each time: no rate limit, no pending question
        begun = time.perf_counter()
        response = browser.post(
            url,
            {"message": MESSAGES[index % len(MESSAGES)]},
            HTTP_HX_REQUEST="true",
            REMOTE_ADDR=f"10.9.{index // 250}.{index % 250}",
        )
        timings.append((time.perf_counter() - begun) * 1000)
        assert response.status_code == 200, response.status_code
    out.write(
        f"chat round trip over {messages} messages (HTTP POST, engine, database, HTML): "
        f"p50 {statistics.median(timings):.1f} ms, p95 {_percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms\n"
    )
