"""A partner's invitations are written and sent by the worker, each in its recipient's
language: a paste of 500 addresses costs the request one insert, not 500 renderings."""

from django.tasks import task

from tandem.core.tasks import RETRYABLE_ERRORS, retry_later


@task()
def partner_invitations_send(invitation_ids: list[int], attempt: int = 1) -> int:
    from tandem.employers import services

    try:
        return services.invitations_send(invitation_ids=invitation_ids)
    except RETRYABLE_ERRORS as error:
        # Invitations already mailed are marked so; the retry sends only the rest.
        retry_later(partner_invitations_send, invitation_ids, attempt=attempt, error=error)
        return 0
