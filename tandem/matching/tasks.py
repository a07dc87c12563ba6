"""Background work of the desk: thin tasks that take ids, reload and call a service."""

from django.tasks import task

from tandem.participants.models import Participant


@task()
def goal_vectors_compute(participant_ids: list[int]) -> int:
    """Embeds the goal texts of these people that have no stored vector yet."""
    from tandem.matching.embeddings import goal_vectors_ensure

    texts = Participant.objects.filter(pk__in=participant_ids).values_list("goals", flat=True)
    return goal_vectors_ensure(list(texts))


@task()
def proposal_run_execute(run_id: int) -> str:
    """Runs the engine over a program's pool; the run re-enters the language of who started it."""
    from tandem.matching.services.runs import run_execute

    return run_execute(run_id=run_id).status


@task()
def proposal_follow_up(proposal_id: int) -> str:
    """Scheduled at publication for the reminder date and for the deadline."""
    from tandem.matching.services.follow_ups import proposal_follow_up as follow_up

    return follow_up(proposal_id=proposal_id)
