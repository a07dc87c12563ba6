"""Background work for privacy: build an access request's answer. Takes an id and reloads."""

from django.tasks import task


# On the reports queue: a file somebody waits for, never behind mail or an import.
@task(queue_name="reports")
def build_access_answer(request_id: int) -> str:
    from tandem.privacy.requests import request_build

    return request_build(request_id=request_id).status
