"""`tremplin learning export-course ID [-o FILE]` and `tremplin learning import-course FILE`.

Courses travel between networks and deployments as one JSON file (see tremplin/learning/exchange.py).
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from tremplin.agencies.models import Agency
from tremplin.agencies.selectors import network_get_default
from tremplin.learning import exchange
from tremplin.learning.models import Course


class Command(BaseCommand):
    help = "Export a course to one JSON file, or import such a file as a draft course."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export-course", help="Write a course as JSON.")
        export.add_argument("course_id", type=int)
        export.add_argument("-o", "--output", help="File to write (default: standard output).")
        imported = actions.add_parser(
            "import-course", help="Create a draft course from a JSON export."
        )
        imported.add_argument("file")
        imported.add_argument("--agency", help="Slug of the owning agency (default: the network).")

    def handle(self, *args, action: str, **options) -> None:
        # A command acts for the deployment's operator, across agencies: scoping is lifted here.
        with scopes_disabled():
            if action == "export-course":
                self._export(options["course_id"], options.get("output"))
            else:
                self._import(options["file"], options.get("agency"))

    def _export(self, course_id: int, output: str | None) -> None:
        course = Course.objects.filter(pk=course_id).first()
        if course is None:
            raise CommandError(f"No course with id {course_id}.")
        data = exchange.course_export_json(course=course)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"Course {course_id} written to {output} ({len(data)} bytes).")
        else:
            sys.stdout.buffer.write(data)

    def _import(self, path: str, agency_slug: str | None) -> None:
        network = network_get_default()
        if network is None:
            raise CommandError(
                "This deployment has no network yet (run `tremplin demo` or create one)."
            )
        agency = None
        if agency_slug:
            agency = Agency.objects.filter(slug=agency_slug, network=network).first()
            if agency is None:
                raise CommandError(f"No agency {agency_slug!r} in this network.")
        try:
            raw = Path(path).read_bytes()
            course = exchange.course_import(raw=raw, network=network, agency=agency, actor=None)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Imported as draft course {course.pk}: {course.title}")
