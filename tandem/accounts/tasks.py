"""Invitations are written and sent by the worker, in the invitee's language."""

from django.tasks import task

from tandem.core.tasks import RETRYABLE_ERRORS, retry_later


@task()
def invitations_deliver(invitation_ids: list[int], attempt: int = 1) -> int:
    from tandem.accounts import services

    try:
        return services.invitations_deliver(invitation_ids=invitation_ids)
    except RETRYABLE_ERRORS as error:
        # Invitations already sent are marked so; the retry sends only the rest.
        retry_later(invitations_deliver, invitation_ids, attempt=attempt, error=error)
        return 0
