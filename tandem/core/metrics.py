"""Prometheus metrics: request latency from the web processes, the rest read from the database.

Request latency is counted in each process; under gunicorn (PROMETHEUS_MULTIPROC_DIR, set by
config/gunicorn.conf.py) the processes share their counts through files, so one scrape sees the
whole server. Queue depth, the oldest waiting task, task failures, mail sent and live workers are
read from the task table at scrape time: true across every host, and nothing to lose on restart.
"""

import os

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from tandem.core.taskrows import MAIL_TASK

REQUEST_SECONDS = Histogram(
    "tandem_request_duration_seconds",
    "Server time of each request, by view",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
)


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(view=view, method=method, status=f"{status // 100}xx").observe(seconds)


class QueueCollector:
    """Figures read from the task and heartbeat tables when Prometheus scrapes."""

    def collect(self):
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        from tandem.core.models import TaskTally, WorkerHeartbeat
        from tandem.core.worker import oldest_ready_age

        by_status = GaugeMetricFamily(
            "tandem_tasks", "Background tasks in the table, by status", labels=["status"]
        )
        counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED"):
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status
        # Finished rows go after a few days (core/taskrows.py), their counts kept in the tally:
        # the counters below stay counters (they never go down).
        tally = dict(TaskTally.objects.values_list("name", "count"))
        age = GaugeMetricFamily(
            "tandem_queue_oldest_ready_seconds", "How long the oldest runnable task has waited"
        )
        age.add_metric([], oldest_ready_age())
        yield age
        failed = CounterMetricFamily(
            "tandem_task_failures", "Tasks recorded as failed (after their retries)"
        )
        failed.add_metric([], counts.get("FAILED", 0) + tally.get("failed", 0))
        yield failed
        mail = CounterMetricFamily("tandem_mail_sent", "Mail messages handed to the mail server")
        mail.add_metric(
            [],
            DBTaskResult.objects.successful()
            .filter(task_path=MAIL_TASK, return_value__gt=0)
            .count()
            + tally.get("mail_sent", 0),
        )
        yield mail
        alive = GaugeMetricFamily("tandem_workers_alive", "Workers with a recent heartbeat")
        alive.add_metric([], WorkerHeartbeat.objects.alive().count())
        yield alive


def render() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(QueueCollector())
    return generate_latest(registry)
