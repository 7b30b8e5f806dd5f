"""Checks run when an app server starts (`tremplin serve`, or any WSGI server loading
tremplin.config.wsgi): a clear error at start-up instead of a 500 on every page later."""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured

FILE_EMAIL_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}
# A file known to be collected: the stylesheet every page links.
PROBE_STATIC_FILE = "tremplin/site.css"


def static_manifest_problem() -> str:
    """Why pages cannot be rendered with the static files as they are; "" when they can."""
    if not hasattr(staticfiles_storage, "stored_name") or settings.DEBUG:
        return ""
    try:
        staticfiles_storage.stored_name(PROBE_STATIC_FILE)
    except ValueError:
        return (
            f"The static files are not collected in STATIC_ROOT ({settings.STATIC_ROOT}): "
            "run `tremplin collectstatic --noinput` before starting the app server."
        )
    return ""


def outbound_backend_problems() -> list[str]:
    """Production must not write texts and e-mails (phone numbers, addresses) to local files."""
    if settings.DEBUG or getattr(settings, "TREMPLIN_ALLOW_FILE_BACKENDS", False):
        return []
    problems = []
    for name in ("MESSAGING_SMS_BACKEND", "MESSAGING_WHATSAPP_BACKEND"):
        if getattr(settings, name, "") == "file":
            problems.append(
                f"{name} is 'file': texts would be written to disk, never sent. Set it to "
                "'twilio' (with TWILIO_* settings), or TREMPLIN_ALLOW_FILE_BACKENDS=1 for a demo."
            )
    if settings.EMAIL_BACKEND in FILE_EMAIL_BACKENDS:
        problems.append(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: e-mails would not be sent. Use SMTP, "
            "or TREMPLIN_ALLOW_FILE_BACKENDS=1 for a demo."
        )
    return problems


def check_app_server_can_start() -> None:
    problems = outbound_backend_problems()
    static = static_manifest_problem()
    if static:
        problems.append(static)
    if problems:
        raise ImproperlyConfigured("Tremplin cannot start:\n- " + "\n- ".join(problems))
