"""Probable duplicates: two records of one person, and the merge that makes them one.

One person, one account: exact e-mail matches link an account to every record automatically
(accounts.services.participants_link_account). A person recorded twice under different
addresses, or by two agencies, is found here instead: the same role and the same name (letter
case aside) with the same date of birth, phone number or e-mail address. Staff confirm; nothing
is merged on a guess.

The merge moves everything that points to the merged record (referrals, enrolments, proposals,
mentorships, meetings' check-ins, outcomes, notes, résumés, invitations, answers recorded on the
person's behalf...) to the kept record, in one transaction. It finds those records through the
model relations, so an area added later is covered without touching this module; a one-to-one
record held by both (accommodations, consent, profile sharing) is combined by a *resolver* its
area registers. When both records hold something that can exist only once (two open referrals
to one program, two enrolments in one program, two active mentorships in one slot), the merge
is refused with the reason and changes nothing: staff settle that first.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit
from tandem.participants.locks import people_lock
from tandem.participants.models import Accommodation, Participant

MERGED = audit.event("participant.merged", gettext_lazy("Records merged into this one"))

# The keys that, with the same name and role, make two records probably one person.
KEYS = ("date_of_birth", "phone", "email")
KEY_LABELS = {
    "date_of_birth": gettext_lazy("same date of birth"),
    "phone": gettext_lazy("same phone number"),
    "email": gettext_lazy("same e-mail address"),
}
# A list for staff to work through, not a report: the first pairs found.
MAX_PAIRS = 200


class MergeError(Exception):
    """The two records cannot be merged; the message is translated for the staff member."""


# --- Finding them ----------------------------------------------------------------------------


def probable_duplicates(
    *,
    among: QuerySet[Participant],
    role: str,
    given_name: str,
    family_name: str,
    date_of_birth: Any = None,
    phone: str = "",
    email: str = "",
    exclude_pk: int | None = None,
) -> QuerySet[Participant]:
    """Records in `among` (already scoped to what the reader may see) that are probably the
    person described: on intake, before a new record is saved."""
    keys = models.Q(pk__in=[])
    if date_of_birth:
        keys |= models.Q(date_of_birth=date_of_birth)
    if phone:
        keys |= models.Q(phone=phone)
    if email:
        keys |= models.Q(email__iexact=email)
    found = among.filter(
        keys,
        role=role,
        given_name__iexact=given_name.strip(),
        family_name__iexact=family_name.strip(),
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.select_related("organization")


@dataclass
class DuplicatePair:
    first: Participant
    second: Participant
    reasons: list[str] = field(default_factory=list)


def duplicate_pairs(*, among: QuerySet[Participant], limit: int = MAX_PAIRS) -> list[DuplicatePair]:
    """Every pair of records in `among` that are probably one person, with why: one grouped
    query per key finds the groups, one more reads their members."""
    name = {"given": Lower("given_name"), "family": Lower("family_name")}
    groups: dict[str, list[dict[str, Any]]] = {}
    for key in KEYS:
        value = Lower(key) if key == "email" else models.F(key)
        blank = models.Q(**{f"{key}__isnull": True}) | models.Q(**{key: ""})
        if key == "date_of_birth":
            blank = models.Q(date_of_birth__isnull=True)
        groups[key] = [
            dict(group)
            for group in among.exclude(blank)
            .annotate(**name, key_value=value)
            .values("role", "given", "family", "key_value")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .order_by()[:limit]
        ]
    if not any(groups.values()):
        return []
    wanted = models.Q(pk__in=[])
    for key, found in groups.items():
        for group in found:
            lookup = f"{key}__iexact" if key == "email" else key
            wanted |= models.Q(
                role=group["role"],
                given_name__iexact=group["given"],
                family_name__iexact=group["family"],
                **{lookup: group["key_value"]},
            )
    members = list(among.filter(wanted).select_related("organization").order_by("pk"))
    pairs: dict[tuple[int, int], DuplicatePair] = {}
    for index, first in enumerate(members):
        for second in members[index + 1 :]:
            if (
                first.role != second.role
                or first.given_name.lower() != second.given_name.lower()
                or first.family_name.lower() != second.family_name.lower()
            ):
                continue
            for key in KEYS:
                a, b = getattr(first, key), getattr(second, key)
                if key == "email":
                    a, b = a.lower(), b.lower()
                if a and a == b:
                    pair = pairs.setdefault(
                        (first.pk, second.pk), DuplicatePair(first=first, second=second)
                    )
                    pair.reasons.append(str(KEY_LABELS[key]))
    return list(pairs.values())[:limit]


# --- Merging them ----------------------------------------------------------------------------

# A one-to-one record both people hold: (kept's, merged's) -> the merged one is combined into
# the kept one (and deleted by the resolver). Registered by the area that owns the model.
Resolver = Callable[[Any, Any], None]
_RESOLVERS: dict[str, Resolver] = {}


def merge_resolver(model_label: str) -> Callable[[Resolver], Resolver]:
    def register(resolver: Resolver) -> Resolver:
        _RESOLVERS[model_label.lower()] = resolver
        return resolver

    return register


@merge_resolver("participants.Accommodation")
def _combine_accommodations(kept: Accommodation, merged: Accommodation) -> None:
    # Both needs are kept; sharing with programs only if the person agreed on both records.
    if merged.needs.strip() and merged.needs.strip() not in kept.needs:
        kept.needs = f"{kept.needs.rstrip()}\n\n{merged.needs.strip()}"
    kept.share_with_programs = kept.share_with_programs and merged.share_with_programs
    kept.consent_at = min(kept.consent_at, merged.consent_at)
    kept.save(update_fields=["needs", "share_with_programs", "consent_at", "updated_at"])
    merged.delete()


# Fields the kept record takes from the merged one when its own is empty.
FILLED_FROM_MERGED = [
    "phone",
    "date_of_birth",
    "postal_code",
    "province",
    "industry",
    "clb_level",
    "years_experience",
    "employer",
    "immigration_status",
    "is_internationally_educated",
    "completed_job_search_workshop",
    "goals",
    "availability",
    "user",
]


# Append-only logs (the privacy app's log of who viewed a record) are never rewritten: their
# rows keep the merged record's id as they were written. Registered by the app that keeps them.
_LEFT_IN_PLACE: set[str] = set()


def merge_leaves(model_label: str) -> None:
    _LEFT_IN_PLACE.add(model_label.lower())


def _relations() -> list[models.ForeignObject]:
    """Every foreign key (one-to-one included) from any model to Participant, but logs."""
    return [
        relation.field
        for relation in Participant._meta.get_fields(include_hidden=True)
        if isinstance(relation, models.ForeignObjectRel)
        and relation.field.concrete
        and relation.field.model._meta.label_lower not in _LEFT_IN_PLACE
    ]


def _move(relation: models.ForeignObject, *, kept: Participant, merged: Participant) -> int:
    model = relation.model
    rows = model._base_manager.filter(**{relation.name: merged})
    if relation.one_to_one:
        mine = model._base_manager.filter(**{relation.name: kept}).first()
        theirs = rows.first()
        if theirs is None:
            return 0
        if mine is not None:
            resolver = _RESOLVERS.get(model._meta.label_lower)
            if resolver is None:
                raise MergeError(
                    _("Both records have a %(what)s, which a person can have only once.")
                    % {"what": model._meta.verbose_name}
                )
            resolver(mine, theirs)
            return 1
    try:
        # A savepoint, so that a refusal here names its reason before the whole merge rolls back.
        with transaction.atomic():
            return rows.update(**{relation.name: kept})
    except IntegrityError as error:
        raise MergeError(
            _(
                "Both records have a %(what)s that can exist only once for one person (for "
                "example in the same program). Settle it on one of the records first, then merge."
            )
            % {"what": model._meta.verbose_name}
        ) from error


@transaction.atomic
def participants_merge(*, actor: User, kept: Participant, merged: Participant) -> Participant:
    """Makes `merged` part of `kept`: everything that pointed to `merged` now points to `kept`,
    empty fields of `kept` are filled from `merged`, `merged`'s history is shown on `kept`,
    and `merged` is deleted. All or nothing."""
    if kept.pk == merged.pk:
        raise MergeError(_("Choose two different records."))
    # Both rows locked, in the one order every lock of several people takes (`locks`): two staff
    # merging the same pair, or the retention sweep reaching a row about both, never deadlock.
    locked = people_lock([kept.pk, merged.pk])
    if len(locked) != 2:
        raise MergeError(_("One of the two records no longer exists."))
    kept, merged = locked[kept.pk], locked[merged.pk]
    if kept.role != merged.role:
        raise MergeError(
            _("A mentee's record and a mentor's record are not merged: they are two roles.")
        )
    if kept.user_id and merged.user_id and kept.user_id != merged.user_id:
        raise MergeError(
            _(
                "Each record has its own account. Ask the person which one they use; the other "
                "account must be closed before the records are merged."
            )
        )
    filled = []
    for name in FILLED_FROM_MERGED:
        attname = Participant._meta.get_field(name).attname  # type: ignore[union-attr]
        if getattr(kept, attname) in (None, "") and getattr(merged, attname) not in (None, ""):
            setattr(kept, attname, getattr(merged, attname))
            filled.append(name)
    moved = {}
    for relation in _relations():
        count = _move(relation, kept=kept, merged=merged)
        if count:
            moved[f"{relation.model._meta.label_lower}.{relation.name}"] = count
    audit.adopt_history(source=merged, target=kept)
    summary = {
        "merged_id": merged.pk,
        "merged_organization": merged.organization.slug,
        "merged_external_id": merged.external_id,
        "merged_name": merged.full_name,
        "merged_email": merged.email,
        "moved": moved,
        "filled": filled,
    }
    merged.delete()
    if filled:
        # Values taken from a stored record, already valid there: no second validation (an
        # older record that today's rules would refuse must not block the merge).
        kept.save(update_fields=[*filled, "updated_at"])
    audit.record(MERGED, actor=actor, target=kept, data=summary)
    return kept
