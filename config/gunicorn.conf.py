"""gunicorn settings for Tandem (`gunicorn -c config/gunicorn.conf.py config.wsgi`).

Every value comes from the environment so the container and the systemd unit share this file.
"""

import gc
import os
import tempfile

bind = os.environ.get("TANDEM_BIND", f"0.0.0.0:{os.environ.get('TANDEM_PORT', '8000')}")
# Two processes per core is a good start for a page-rendering app that waits on PostgreSQL.
workers = int(os.environ.get("TANDEM_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("TANDEM_WEB_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
# The app (and the PDF library) load once in the master; workers share the memory.
preload_app = True
timeout = int(os.environ.get("TANDEM_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), against slow leaks.
max_requests = int(os.environ.get("TANDEM_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The reverse proxy in front terminates TLS and says the scheme (SECURE_PROXY_SSL_HEADER); only
# trust it from the addresses Django trusts for client addresses.
forwarded_allow_ips = os.environ.get("TANDEM_TRUSTED_PROXIES", "127.0.0.1,::1")
# Django logs every request as JSON with its id and latency (tandem.access); no second log.
accesslog = None
errorlog = "-"
# No control socket in the home directory (systemd runs with ProtectHome).
control_socket_disable = True
loglevel = os.environ.get("TANDEM_LOG_LEVEL", "info").lower()

# Request latency is counted in each worker and read across all of them by /metrics.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tandem-metrics-")


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# Python's full garbage collection walks every object the process holds: with Django, the PDF
# library and the app loaded, ~210k objects and ~120 ms of CPU, landing on whichever request
# happens to trigger it (about one in 150 at 50k participants; mostly report pages, which make
# the most objects): the "occasional 130-170 ms" report pages. Objects loaded once and kept for
# the process's life never become garbage, so they leave the collector's view: frozen in the
# master after the preload (the workers inherit it), and once more in each worker after its
# first requests have filled its own caches (templates, catalogues, URL patterns).
WARM_REQUESTS = 200


def when_ready(server):
    gc.collect()
    gc.freeze()


def post_request(worker, req, environ, resp):
    # Once per worker (its threads may pass the mark together: the flag lives on the worker).
    if worker.nr >= WARM_REQUESTS and not getattr(worker, "tandem_frozen", False):
        worker.tandem_frozen = True
        gc.collect()
        gc.freeze()
