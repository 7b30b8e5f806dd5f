"""`tremplin serve [--port N] [--workers W] [--host H]`: the production application server.

gunicorn with `preload_app`: the application (and what it loads at import) is built once in the
master process and the workers fork from it warm, answering pages at once. The apps' heavier state
(the assistant's trained models) then loads in the master while those first workers serve, and
they are replaced, gracefully, by workers forked from the fully warm master, which share it
(tremplin.core.warmup); the file named by SERVER_READY_FILE, if set, is touched then (benchmarks
wait for it). Before the first request it checks that the
static files are collected and that texts and e-mails are really sent (tremplin.ops.startup), and
exits with a clear message otherwise. Defaults come from the environment: PORT (8000), HOST
(127.0.0.1), WEB_CONCURRENCY (2 workers), GUNICORN_TIMEOUT (30 s), FORWARDED_ALLOW_IPS
(127.0.0.1: the reverse proxy that may set X-Forwarded-Proto).
"""

import signal
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from tremplin.config.env import env_int, env_str
from tremplin.ops.startup import check_app_server_can_start

# Access lines carry the path only (%(U)s), never the query string where search terms travel.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def _warming_arbiter() -> type:
    from gunicorn.arbiter import Arbiter

    from tremplin.core.warmup import warm_up_apps

    class WarmingArbiter(Arbiter):  # type: ignore[misc]
        apps_warm = False

        def manage_workers(self) -> None:
            super().manage_workers()
            if not self.apps_warm:  # the first workers are serving: now the heavy part
                self.apps_warm = True
                self._warm_apps_and_refork()

        def _warm_apps_and_refork(self) -> None:
            began = time.monotonic()
            try:
                warm_up_apps()
            except Exception:
                self.log.exception("Warming up failed: each worker loads what it needs itself.")
                return
            finally:
                connections.close_all()  # no connection may cross a fork
            cold = list(self.WORKERS)
            for _ in range(self.num_workers):
                self.spawn_worker()  # returns in the master only
            for pid in cold:
                self.kill_worker(pid, signal.SIGTERM)  # graceful: its request finishes first
            self.log.info("Workers forked warm (apps loaded in %.1f s).", time.monotonic() - began)
            ready = env_str("SERVER_READY_FILE")
            if ready:
                Path(ready).touch()

    return WarmingArbiter


def _post_fork(server: Any, worker: Any) -> None:
    # The master may have opened database connections while loading: each worker opens its own.
    connections.close_all()


class Command(BaseCommand):
    help = "Run the production application server (gunicorn, workers forked from a warm master)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000))
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=env_int("WEB_CONCURRENCY", 2))
        parser.add_argument("--timeout", type=int, default=env_int("GUNICORN_TIMEOUT", 30))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check_app_server_can_start()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")

        from gunicorn.app.base import BaseApplication

        from tremplin.assistant.nlu.langid_server import SharedLanguageModels

        config = {
            "bind": f"{options['host']}:{options['port']}",
            "workers": options["workers"],
            "preload_app": True,
            "timeout": options["timeout"],
            "graceful_timeout": 20,
            "max_requests": env_int("GUNICORN_MAX_REQUESTS", 0),
            "forwarded_allow_ips": env_str("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "accesslog": env_str("ACCESS_LOG", "-") or None,
            "access_log_format": ACCESS_LOG_FORMAT,
            "logger_class": "tremplin.ops.logging.RedactingGunicornLogger",
            "post_fork": _post_fork,
            "proc_name": "tremplin",
        }

        class TremplinServer(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                from django.core.wsgi import get_wsgi_application

                from tremplin.core.warmup import warm_up

                application = get_wsgi_application()
                warm_up()  # URLconf and templates: once, before the first fork
                connections.close_all()
                return application

            def run(self) -> None:
                _warming_arbiter()(self).run()

        self.stdout.write(
            f"Tremplin on http://{config['bind']} with {config['workers']} workers", ending="\n"
        )
        self.stdout.flush()
        # Loads while the master warms up; the workers ask it instead of each holding ~400 MB.
        language_models = SharedLanguageModels()
        language_models.start()
        try:
            TremplinServer().run()
        finally:
            language_models.stop()
