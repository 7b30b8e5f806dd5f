"""`tremplin bench <name> …`: benchmarks that print figures (never timed tests).

Each app may offer benchmarks in `tremplin/<app>/bench.py` with
`def register(subparsers) -> None`, adding one sub-parser per benchmark whose default
`run(command, options) -> bool` returns False when an invariant is broken (the command then
exits with status 1). A `bench.py` without `register` is not part of this command.
"""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _bench_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tremplin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.bench")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.bench":
                raise
            continue
        if hasattr(module, "register"):
            modules.append(module)
    return modules


class Command(BaseCommand):
    help = "Run a benchmark against the configured database and print its figures."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="benchmark", required=True, metavar="benchmark")
        for module in _bench_modules():
            module.register(subparsers)

    def handle(self, *args, **options) -> None:
        if not options["run"](self, options):
            raise CommandError("Invariants broken: see above.", returncode=1)
