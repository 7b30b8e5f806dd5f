import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tremplin.core.i18n import (
    CATALOG_LANGUAGES,
    app_dirs,
    catalog_files,
    compile_catalogs,
    incomplete_entries,
)


class Command(BaseCommand):
    help = (
        "Update the per-app translation catalogs from the code (needs GNU gettext), or check them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["update", "check"])
        parser.add_argument(
            "--app", action="append", default=[], help="Only this app (label), repeatable."
        )

    def handle(self, *args, action: str, app: list[str], **options) -> None:
        if action == "update":
            self._update(app)
        else:
            self._check()

    def _update(self, only: list[str]) -> None:
        here = Path.cwd()
        for app_dir in app_dirs():
            if only and app_dir.name not in only:
                continue
            (app_dir / "locale").mkdir(exist_ok=True)
            os.chdir(app_dir)
            try:
                call_command(
                    "makemessages",
                    locale=CATALOG_LANGUAGES,
                    no_obsolete=True,
                    add_location="file",
                    ignore_patterns=["tests/*"],
                    verbosity=0,
                )
            finally:
                os.chdir(here)
        compile_catalogs()
        self._check()

    def _check(self) -> None:
        problems = {str(path): incomplete_entries(path) for path in catalog_files()}
        problems = {path: ids for path, ids in problems.items() if ids}
        for path, ids in problems.items():
            self.stderr.write(f"{path}: {len(ids)} untranslated or fuzzy")
            for msgid in ids[:20]:
                self.stderr.write(f"  {msgid!r}")
        if problems:
            raise CommandError("Some catalogs are incomplete.")
        self.stdout.write("All catalogs complete.")
