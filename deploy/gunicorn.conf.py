"""gunicorn settings for the web replicas (docker-compose `web`, Dockerfile CMD) and the benchmark
(bench/run.sh). Environment variables override the defaults, so a replica is tuned without
rebuilding the image."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two cores per replica: 2 processes x 2 threads keeps both busy while one waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a dependency never accumulates (0: never; the
# benchmark measures a worker's own growth with 0).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Import the portal once, in the master, and fork the workers from it: the ~100 MB of imported
# modules are then pages the workers share copy-on-write instead of each holding a copy (a
# worker's own memory is its USS; bench/README.md, "Round 3: worker memory"). Nothing at import
# opens a connection (the hooks below close any anyway). GUNICORN_PRELOAD=0 imports per worker.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
# Header limits (the body is bounded by nginx's client_max_body_size and Django's upload limits).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")

if preload_app:
    # No collection while the master imports: a collection frees objects among the imported ones
    # and leaves holes that later allocations fill, dirtying pages the workers would share.
    gc.disable()


def when_ready(server):
    """Master, after the preloaded import: load what every worker would otherwise load on its
    first requests (the URLconf imports every view, serializer and form: a third of the
    portal's code; the translation catalogues), then move every object the master holds to the
    collector's permanent generation, so the workers' collections never touch (and copy) them."""
    if not preload_app:
        return
    from django.conf import settings
    from django.db import connections
    from django.urls import reverse
    from django.utils import translation

    reverse("home")  # imports and indexes the URLconf
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
    connections.close_all()  # a forked copy of an open socket must never serve two workers
    gc.freeze()
    gc.enable()


def pre_fork(server, worker):
    if preload_app:
        gc.freeze()  # also what the master allocated since (a worker re-forked after max_requests)
