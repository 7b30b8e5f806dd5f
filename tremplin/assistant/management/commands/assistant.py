"""`tremplin assistant import-kb | train | eval | bench`: the assistant's knowledge base and model."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope, scopes_disabled

from tremplin.agencies.models import Agency
from tremplin.assistant.brain import brain_train
from tremplin.assistant.nlu.kb import KnowledgeBaseError, load_knowledge_base
from tremplin.assistant.services import knowledge_base_import


def _agency(slug: str) -> Agency:
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise CommandError(f"No agency with the short name {slug!r}.")
    return agency


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read the file ({error}).") from error


def _run_stories(keyword: str) -> int:
    """The suite's story tests, in a fresh process with the test settings (a throw-away test
    database, the repository's knowledge base)."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[4]
    test_file = Path(__file__).resolve().parents[2] / "tests" / "test_stories.py"
    arguments = [sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:randomly"]
    if keyword:
        arguments += ["-k", keyword]
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.call(arguments, cwd=root, env=environment)


class Command(BaseCommand):
    help = "Manage the virtual assistant: import a knowledge base, train, evaluate, measure."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        load = commands.add_parser(
            "import-kb", help="Replace an agency's knowledge base with a YAML file."
        )
        load.add_argument("file")
        load.add_argument("--agency", required=True, help="Short name (slug) of the agency.")
        load.add_argument(
            "--no-train", action="store_true", help="Leave training to the background worker."
        )
        train = commands.add_parser(
            "train", help="Train an agency's model now (all agencies if none given)."
        )
        train.add_argument("--agency")
        evaluate = commands.add_parser(
            "eval", help="Train on a knowledge base alone and score labelled cases."
        )
        evaluate.add_argument("--kb", required=True)
        evaluate.add_argument(
            "--cases", required=True, help="JSON lines of {text, lang, expected}."
        )
        evaluate.add_argument(
            "--json", action="store_true", help="End with one line of JSON figures."
        )
        evaluate.add_argument(
            "--encoder", default=None, help="e5, use or char-ngram (default: ASSISTANT_ENCODER)."
        )
        stories = commands.add_parser(
            "test-stories",
            help="Run the conversation stories (tremplin/assistant/stories/*.yaml) on a test database.",
        )
        stories.add_argument("-k", default="", help="Only stories whose name matches.")
        bench = commands.add_parser(
            "bench", help="Time a new example going live and chat round trips."
        )
        bench.add_argument("--agency", required=True)
        bench.add_argument("--messages", type=int, default=40)

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "test-stories":
            self._stories(options["k"])
            return
        if subcommand == "eval":
            self._eval(**options)
            return
        with scopes_disabled():
            if subcommand == "import-kb":
                self._import(
                    options["file"], _agency(options["agency"]), train=not options["no_train"]
                )
            elif subcommand == "train":
                agencies = (
                    [_agency(options["agency"])]
                    if options["agency"]
                    else list(Agency.objects.all())
                )
                for agency in agencies:
                    self._train(agency)
            else:
                from tremplin.assistant.bench import run_bench

                run_bench(
                    agency=_agency(options["agency"]), messages=options["messages"], out=self.stdout
                )

    def _import(self, path: str, agency: Agency, *, train: bool) -> None:
        try:
            kb = load_knowledge_base(_read(path), source=path)
        except KnowledgeBaseError as error:
            raise CommandError(f"{path}: {error}") from error
        with scope(agency=agency):
            intents = knowledge_base_import(agency=agency, kb=kb, actor=None)
        self.stdout.write(f"{agency.slug}: imported {len(intents)} intents from {path}.")
        if train:
            self._train(agency)

    def _train(self, agency: Agency) -> None:
        started = time.perf_counter()
        with scope(agency=agency):
            brain = brain_train(agency=agency, force=True)
        if not brain.model_revision:
            self.stdout.write(f"{agency.slug}: no knowledge base yet, nothing to train.")
            return
        self.stdout.write(
            f"{agency.slug}: trained on {brain.example_count} examples with {brain.encoder_name} "
            f"in {time.perf_counter() - started:.1f} s."
        )

    def _eval(self, *, kb: str, cases: str, json: bool, encoder: str | None, **options) -> None:
        # The NLU package's evaluator trains on the file alone and prints the figures.
        from tremplin.assistant.nlu.evaluate import main as evaluate_main

        argv = ["--kb", kb, "--cases", cases]
        if json:
            argv.append("--json")
        if encoder or settings.ASSISTANT_ENCODER:
            argv += ["--encoder", encoder or settings.ASSISTANT_ENCODER]
        if not Path(cases).is_file():
            raise CommandError(f"{cases}: no such file.")
        if evaluate_main(argv) != 0:
            raise CommandError(f"{kb}: the knowledge base is not valid (see above).")

    def _stories(self, keyword: str) -> None:
        if _run_stories(keyword) != 0:
            raise CommandError("Some stories failed.")
        self.stdout.write("All stories passed.")
