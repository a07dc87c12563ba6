"""The worker's side of community mail: tasks take ids and reload what they need."""

from django.tasks import task

from tandem.core.tasks import RETRYABLE_ERRORS, retry_later


@task()
def post_notify(post_id: int, attempt: int = 1) -> int:
    from tandem.community.services import notify

    try:
        return notify.post_mail(post_id=post_id)
    except RETRYABLE_ERRORS as error:
        retry_later(post_notify, post_id, attempt=attempt, error=error)
        return 0


@task()
def message_notify(message_id: int, attempt: int = 1) -> int:
    from tandem.community.services import notify

    try:
        return notify.message_mail(message_id=message_id)
    except RETRYABLE_ERRORS as error:
        retry_later(message_notify, message_id, attempt=attempt, error=error)
        return 0
