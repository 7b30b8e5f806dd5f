"""Language identification: the process `tremplin serve` shares, and short messages."""

import logging
import os
import signal

import pytest

from tremplin.assistant.nlu.langid import LanguageIdentifier, default_identifier
from tremplin.assistant.nlu.langid_server import (
    SOCKET_ENV,
    SharedLanguageModels,
    remote_scores,
    wait_until_ready,
)

MESSAGES = (
    "When is the next resume workshop?",
    "Quand est le prochain atelier de CV ?",
    "¿Cuándo es el próximo taller?",
    "Kailan ang susunod na workshop?",
    "متى الورشة القادمة؟",
    "Коли наступний семінар?",
)


def test_workers_get_the_same_answers_from_the_shared_process_which_comes_back_after_a_crash():
    # os.environ by hand, not monkeypatch: start() sets the variable itself (for the workers).
    assert SOCKET_ENV not in os.environ
    models = SharedLanguageModels()
    models.start()
    try:
        assert os.environ[SOCKET_ENV] == models.path  # what the forked workers inherit
        assert wait_until_ready(models.path, seconds=120)
        worker = LanguageIdentifier()
        in_process = default_identifier()
        for text in MESSAGES:
            assert remote_scores(models.path, text) == pytest.approx(in_process.local_scores(text))
            os.environ[SOCKET_ENV] = models.path
            shared = worker.identify(text)
            del os.environ[SOCKET_ENV]
            assert shared == in_process.identify(text)
        assert worker._detector is None  # the worker itself never loaded lingua

        first = models.process
        assert first is not None
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        assert wait_until_ready(models.path, seconds=120)  # restarted by the server
        assert models.process is not first

        models._owner = -1  # as seen from a forked worker leaving: it must not stop the models
        models.stop()
        assert models.process.poll() is None
    finally:
        models._owner = os.getpid()
        models.stop()
        os.environ.pop(SOCKET_ENV, None)
    assert not os.path.exists(models.path)
    assert models.process.poll() is not None


def test_an_unreachable_model_process_leaves_the_script_rules_and_never_loads_lingua(
    monkeypatch, tmp_path, caplog
):
    dead = tmp_path / "dead.sock"
    dead.touch()  # left behind by a process that died (one still loading has no socket yet)
    monkeypatch.setenv(SOCKET_ENV, str(dead))
    identifier = LanguageIdentifier(default="fr")
    with caplog.at_level(logging.WARNING):
        assert identifier.identify("Коли наступний семінар?") == "uk"  # Ukrainian letters
        assert identifier.identify("ਕੀ ਇਹ ਮੁਫ਼ਤ ਹੈ?") == "pa"  # Gurmukhi
        assert identifier.identify("Is it free?") == "fr"  # no scores: the default
    assert identifier._detector is None
    assert "does not answer" in caplog.text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hola, es gratis?", "es"),
        ("libre po ba ito?", "tl"),
        ("obrigado", "pt"),
        # A word borrowed by another language never outvotes the rest of the message.
        ("is my personal info kept private?", "en"),
        ("changez mon numéro de téléphone svp", "fr"),
    ],
)
def test_short_messages_are_read_by_the_words_of_the_assistants_own_catalogs(text, language):
    assert default_identifier().identify(text) == language
