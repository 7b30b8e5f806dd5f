"""`tremplin surveys import-xlsform FILE --agency SLUG` and
`tremplin surveys export-xlsform SURVEY_ID --output FILE`; also `process-schedule`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from tremplin.agencies.models import Agency
from tremplin.surveys.models import Survey
from tremplin.surveys.services import schedule_process
from tremplin.surveys.xlsform import XLSFormError, xlsform_export, xlsform_import


class Command(BaseCommand):
    help = "Import or export surveys as XLSForm (KoboToolbox/ODK), or run the invitation schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        imported = actions.add_parser("import-xlsform", help="Create a survey from an XLSForm.")
        imported.add_argument("file")
        imported.add_argument("--agency", required=True, help="Slug of the owning agency.")
        export = actions.add_parser("export-xlsform", help="Write a survey as an XLSForm.")
        export.add_argument("survey_id", type=int)
        export.add_argument("--output", "-o", required=True, help="The .xlsx file to write.")
        actions.add_parser("process-schedule", help="Send due invitations and reminders now.")

    def handle(self, *args, action: str, **options) -> None:
        # A command acts for the deployment's operator, across agencies: scoping is lifted here.
        with scopes_disabled():
            if action == "import-xlsform":
                self._import(options["file"], options["agency"])
            elif action == "export-xlsform":
                self._export(options["survey_id"], options["output"])
            else:
                self.stdout.write(str(schedule_process()))

    def _import(self, path: str, agency_slug: str) -> None:
        agency = Agency.objects.filter(slug=agency_slug).first()
        if agency is None:
            raise CommandError(f"No agency with the short name {agency_slug!r}.")
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            survey = xlsform_import(data=data, agency=agency, actor=None)
        except XLSFormError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(survey.pk))

    def _export(self, survey_id: int, output: str) -> None:
        survey = Survey.objects.filter(pk=survey_id).first()
        if survey is None:
            raise CommandError(f"No survey with id {survey_id}.")
        Path(output).write_bytes(xlsform_export(survey))
        self.stderr.write(f"Survey {survey_id} written to {output}.")
