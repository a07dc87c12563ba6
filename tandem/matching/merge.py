"""How a person's profile-sharing choice survives the merge of two of their records
(tandem/participants/duplicates.py)."""

from tandem.matching.models import ProfileSharing
from tandem.participants.duplicates import merge_resolver


@merge_resolver("matching.ProfileSharing")
def _combine_profile_sharing(kept: ProfileSharing, merged: ProfileSharing) -> None:
    # A field is shown only if the person agreed to show it on both records.
    kept.fields = [name for name in kept.fields if name in set(merged.fields)]
    kept.save(update_fields=["fields", "updated_at"])
    merged.delete()
