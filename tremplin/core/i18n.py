"""Translation catalogs: one per app, in tremplin/<app>/locale/<lang>/LC_MESSAGES/django.po."""

from collections.abc import Iterator
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings

CATALOG_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def app_dirs() -> list[Path]:
    return [Path(c.path) for c in apps.get_app_configs() if c.name.startswith("tremplin.")]


def catalog_files() -> Iterator[Path]:
    for app_dir in app_dirs():
        yield from sorted((app_dir / "locale").glob("*/LC_MESSAGES/django.po"))


def compile_catalogs() -> int:
    """Write each .po file's .mo beside it (pure Python: installs need no GNU gettext)."""
    count = 0
    for po_path in catalog_files():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    return count


def incomplete_entries(po_path: Path) -> list[str]:
    """The msgids of a catalog that are untranslated or marked fuzzy."""
    catalog = polib.pofile(str(po_path))
    return [
        entry.msgid for entry in catalog if entry.msgid and (not entry.translated() or entry.fuzzy)
    ]
