import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.config.settings")
application = get_wsgi_application()

# Any WSGI server loading this module refuses to start on a configuration that would answer 500
# on every page (static files not collected) or keep texts and e-mails on disk in production.
from tremplin.ops.startup import check_app_server_can_start  # noqa: E402

check_app_server_can_start()
