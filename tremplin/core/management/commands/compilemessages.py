from django.core.management.base import BaseCommand

from tremplin.core.i18n import compile_catalogs


class Command(BaseCommand):
    help = "Compile Tremplin's translation catalogs (.po to .mo) without needing GNU gettext."

    def handle(self, *args, **options) -> None:
        count = compile_catalogs()
        self.stdout.write(f"Compiled {count} catalogs.")
