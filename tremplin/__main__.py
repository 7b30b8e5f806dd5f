"""The `tremplin` console command: Django's manage.py under the product's name."""

import os
import sys

# Development commands, and any --help, work as the README prints them: without a SECRET_KEY
# they run with DEBUG=1 (the production settings refuse to start without a key).
DEVELOPMENT_COMMANDS = {"demo", "bench", "catalogs", "compilemessages", "makemigrations", "help"}


def _development_defaults(args: list[str]) -> None:
    if os.environ.get("SECRET_KEY"):
        return
    asks_help = not args or any(arg in ("-h", "--help", "help") for arg in args)
    if asks_help or args[0] in DEVELOPMENT_COMMANDS or args[:2] == ["assistant", "eval"]:
        os.environ.setdefault("DEBUG", "1")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.config.settings")
    _development_defaults(sys.argv[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
