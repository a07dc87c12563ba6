"""The worker's side of the library's mail: tasks take ids and reload what they need."""

from django.tasks import task

from tandem.core.tasks import RETRYABLE_ERRORS, retry_later


@task()
def gathering_announce(gathering_id: int, attempt: int = 1) -> int:
    from tandem.library.services import announcements

    try:
        return announcements.gathering_mail(gathering_id=gathering_id)
    except RETRYABLE_ERRORS as error:
        retry_later(gathering_announce, gathering_id, attempt=attempt, error=error)
        return 0


@task()
def gathering_change(gathering_id: int, sequence: int, attempt: int = 1) -> int:
    from tandem.library.services import announcements

    try:
        return announcements.gathering_change_mail(gathering_id=gathering_id, sequence=sequence)
    except RETRYABLE_ERRORS as error:
        retry_later(gathering_change, gathering_id, sequence, attempt=attempt, error=error)
        return 0
