"""Background work. Tasks take plain data, reload what they need and retry with backoff.

django-tasks-db runs each enqueued task once; a failure that is worth retrying (a mail server
that does not answer) is enqueued again with a growing delay, up to TANDEM_TASK_MAX_ATTEMPTS.
"""

import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.tasks import Task, task
from django.utils import timezone

from tandem.core.mail import build_message

logger = logging.getLogger(__name__)

RETRYABLE_ERRORS = (OSError, smtplib.SMTPException)


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff: base, 2 x base, 4 x base ... capped at six hours."""
    seconds = settings.TANDEM_TASK_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
    return timedelta(seconds=min(seconds, 6 * 3600))


def retry_later(task_: Task, *args: Any, attempt: int, error: Exception, **kwargs: Any) -> None:
    """Enqueues the same task again after a backoff, or re-raises once attempts are used up."""
    if attempt >= settings.TANDEM_TASK_MAX_ATTEMPTS:
        logger.error("%s failed after %s attempts: %s", task_.name, attempt, error)
        raise error
    delay = retry_delay(attempt)
    logger.warning("%s failed (attempt %s), retrying in %s: %s", task_.name, attempt, delay, error)
    task_.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1, **kwargs)


@task()
def deliver_mail(payload: dict[str, Any], attempt: int = 1) -> int:
    try:
        return build_message(payload).send()
    except RETRYABLE_ERRORS as error:
        retry_later(deliver_mail, payload, attempt=attempt, error=error)
        return 0
