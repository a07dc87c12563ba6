"""Background work of the desk: thin tasks that take ids, reload and call a service."""

from django.tasks import task

from tandem.participants.models import Participant


@task()
def goal_vectors_compute(participant_ids: list[int]) -> int:
    """Embeds the goal texts of these people that have no stored vector yet."""
    from tandem.matching.embeddings import goal_vectors_ensure

    texts = Participant.objects.filter(pk__in=participant_ids).values_list("goals", flat=True)
    return goal_vectors_ensure(list(texts))
