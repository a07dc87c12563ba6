"""Keeps goal vectors ready: when a profile's goals change, its text is embedded in the background.

A signal rather than a call in tandem.participants' services because matching owns the vectors
and the participants app must not depend on the engine. Bulk writes (imports) send no signal;
the first proposal run embeds what is still missing.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from tandem.participants.models import Participant


@receiver(post_save, sender=Participant, dispatch_uid="matching_embed_goals")
def embed_goals_on_save(sender, instance: Participant, **kwargs) -> None:
    if kwargs.get("raw") or not (instance.goals or "").strip():
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "goals" not in update_fields:
        return
    from tandem.matching.tasks import goal_vectors_compute

    participant_id = instance.pk
    transaction.on_commit(lambda: goal_vectors_compute.enqueue(participant_ids=[participant_id]))
