"""Two tabs, one link: concurrent final submits store exactly one response (PostgreSQL).

Eight threads, each with its own connection, wait at a barrier and submit the same anonymous
invitation at once — the hard case, since an anonymous response has no link to its invitation
for a unique constraint to catch. With the invitation row lock exactly one response is stored
and the others are refused as "used". The control run switches the lock off and pauses between
the check and the insert: it must store more than one, or the test would prove nothing.
"""

import threading
import time

import pytest
from django.db import connection, connections

from tremplin.clients.tests.factories import ClientFactory
from tremplin.surveys import services
from tremplin.surveys.models import Response
from tremplin.surveys.tests.factories import build_survey

RACERS = 8


def race(agency) -> tuple[int, list[str]]:
    survey = build_survey(
        agency, [{"name": "ok", "question_type": "yes_no", "required": True}], is_anonymous=True
    )
    invitation = services.invitation_create(
        survey=survey, actor=None, client=ClientFactory(agency=agency), send=False
    )
    barrier = threading.Barrier(RACERS)
    refusals: list[str] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=30)
            services.response_submit(invitation=invitation, answers={"ok": "yes"}, language="en")
        except services.SurveyRefused as refused:
            refusals.append(refused.code)
        except Exception as error:  # noqa: BLE001 — reported by the test
            refusals.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return Response.objects.filter(survey=survey).count(), refusals


@pytest.mark.postgres_only
def test_concurrent_final_submits_store_exactly_one(transactional_db, agency, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and real concurrency need PostgreSQL.")
    stored, refusals = race(agency)
    assert stored == 1
    assert refusals == ["used"] * (RACERS - 1)

    monkeypatch.setattr(services, "_LOCK_INVITATION_ROWS", False)
    pages = services.survey_pages

    def pages_then_pause(survey):
        result = pages(survey)
        time.sleep(0.05)
        return result

    monkeypatch.setattr(services, "survey_pages", pages_then_pause)
    stored, _ = race(agency)
    assert stored > 1, (
        "without the lock the race must store duplicates, or this test proves nothing"
    )
