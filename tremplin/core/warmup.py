"""Load in the server's master process what each worker would otherwise load on its first request.

`tremplin serve` runs gunicorn with `preload_app`: the application is built once and the workers
fork from it, sharing its memory pages. Django imports the URLconf (and so every view module)
and compiles templates lazily, on the first request of each worker, which made the first answer
after a start take seconds. `warm_up()` does that work once, before the first fork, and the
workers answer pages at once. Apps with heavier state (the assistant's trained models, which
need scikit-learn) warm themselves through an optional `warm_up()` in their AppConfig, which
`warm_up_apps()` calls in the master *after* the first workers serve: the server then replaces
them with workers forked from the fully warm master, which share those models too.
"""

from django.apps import apps
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import get_resolver

# The pages nearly every visitor opens first.
COMMON_TEMPLATES = (
    "base.html",
    "agencies/agency_home.html",
    "programs/catalogue.html",
    "programs/session_detail.html",
    "agencies/client_home.html",
    "agencies/staff_home.html",
)


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 — imports every app's URLconf and views
    resolver._populate()  # the reverse() tables
    for name in COMMON_TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue


def warm_up_apps() -> None:
    for config in apps.get_app_configs():
        warm = getattr(config, "warm_up", None)
        if callable(warm):
            warm()
