"""Background work after closure.

Two mechanisms meet so that nothing is lost and nothing is sent twice:
- at closure each follow-up is enqueued for its own day (`run_after`);
- the periodic sweep (`tandem/core/sweeps.py`; this app registers `followups_send_due` in
  `apps.py`) sends every follow-up that is due and unsent.
A worker that was down runs both when it comes back; the conditional update in
`services.followup_send` makes whichever runs second a no-op.
"""

from django.tasks import task

from tandem.outcomes import services


@task()
def followup_send_task(follow_up_id: int) -> bool:
    return services.followup_send(follow_up_id=follow_up_id)
