from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope, scopes_disabled

from tremplin.agencies.models import Agency
from tremplin.privacy.selectors import retention_preview
from tremplin.privacy.services import retention_apply, retention_cutoff


class Command(BaseCommand):
    help = "Retention: preview (default) or apply each agency's retention policy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["retention"])
        parser.add_argument("--apply", action="store_true", help="Erase, instead of previewing.")
        parser.add_argument("--agency", help="Only this agency (its slug).")

    def handle(self, *args, action: str, apply: bool, agency: str | None, **options) -> None:
        with scopes_disabled():
            chosen = Agency.objects.order_by("slug")
            if agency:
                chosen = chosen.filter(slug=agency)
                if not chosen.exists():
                    raise CommandError(f"No agency {agency!r}.")
            agencies = list(chosen)
        for one in agencies:
            with scope(agency=one):
                cutoff = retention_cutoff(agency=one)
                if cutoff is None:
                    self.stdout.write(f"{one.slug}: no retention policy")
                    continue
                if apply:
                    run = retention_apply(agency=one)
                    assert run is not None
                    self.stdout.write(f"{one.slug}: erased {run.erased}, kept by a hold {run.held}")
                else:
                    preview = retention_preview(agency=one, cutoff=cutoff)
                    self.stdout.write(
                        f"{one.slug}: inactive since {cutoff:%Y-%m-%d}: {len(preview.to_erase)} to "
                        f"erase, {len(preview.held)} kept by a hold"
                    )
