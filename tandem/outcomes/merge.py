"""How consent to be contacted survives the merge of two records of one person
(tandem/participants/duplicates.py)."""

from tandem.outcomes.models import ContactConsent
from tandem.participants.duplicates import merge_resolver


@merge_resolver("outcomes.ContactConsent")
def _combine_consent(kept: ContactConsent, merged: ContactConsent) -> None:
    # A withdrawal on either record stands: the person said not to be contacted.
    withdrawals = [c.withdrawn_at for c in (kept, merged) if c.withdrawn_at is not None]
    if withdrawals:
        kept.withdrawn_at = min(withdrawals)
        kept.save(update_fields=["withdrawn_at", "updated_at"])
    merged.delete()
