"""What each person of a pair may learn about the other: the fields they chose to share
(ProfileSharing), and the "why this match" sentences built only from those fields.

Staff read the engine's full reasons. The mentor and the mentee read a sentence only when every
fact it tells about the other person is one that person shared: "Same occupation: ... (NOC
21231)" tells the other's occupation, "About 5 km apart" their area, "Shares Thursday
afternoons" their availability (which nobody can share, so it is never shown to the pair).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.matching.models import ProfileSharing, Proposal, SharedField, default_shared_fields
from tandem.participants.models import Participant

# The other person's fields each criterion's sentence reveals. Industry is read as part of
# the occupation (it is the field the person works or wants to work in); an empty tuple is a
# sentence that tells nothing about the other; None is a sentence never shown to the pair.
CRITERION_FIELDS: dict[str, dict[str, tuple[str, ...] | None]] = {
    # criterion: {side of the other person: fields of theirs the sentence reveals}
    "occupation": {"mentee": (SharedField.OCCUPATION,), "mentor": (SharedField.OCCUPATION,)},
    "industry": {"mentee": (SharedField.OCCUPATION,), "mentor": (SharedField.OCCUPATION,)},
    "goals": {"mentee": (SharedField.GOALS,), "mentor": (SharedField.GOALS,)},
    "language": {"mentee": (SharedField.LANGUAGES,), "mentor": (SharedField.LANGUAGES,)},
    "distance": {"mentee": (SharedField.AREA,), "mentor": (SharedField.AREA,)},
    "availability": {"mentee": None, "mentor": None},
    # "N years of experience in the region" is about the mentor only.
    "experience": {"mentee": (), "mentor": (SharedField.EXPERIENCE,)},
}


def shared_fields(person: Participant) -> set[str]:
    sharing = ProfileSharing.objects.filter(participant=person).first()
    return set(sharing.fields if sharing else default_shared_fields())


def visible_criteria(other: Participant, other_side: str) -> set[str]:
    """The criteria whose sentence may be shown to the person paired with `other`."""
    fields = shared_fields(other)
    visible = set()
    for criterion, by_side in CRITERION_FIELDS.items():
        revealed = by_side[other_side]
        if revealed is not None and all(f in fields for f in revealed):
            visible.add(criterion)
    return visible


def pair_sentences(proposal: Proposal, *, side: str, lang: str) -> list[str]:
    """The reasons the mentor (side="mentor") or the mentee reads, strongest first: only
    sentences about fields the other person shared. Rule sentences (a pair staff made against
    a rule) tell about both people's languages, areas or availability: staff only. A proposal
    stored before sentences were kept per criterion shows the pair no reason at all."""
    other, other_side = (
        (proposal.mentor, "mentor") if side == "mentee" else (proposal.mentee, "mentee")
    )
    visible = visible_criteria(other, other_side)
    ranked = sorted(proposal.contributions or [], key=lambda c: -c.get("contribution", 0))
    return [
        c["sentences"][lang]
        for c in ranked
        if c.get("criterion") in visible and (c.get("sentences") or {}).get(lang)
    ]


def pair_names(pair, *, is_staff: bool, my_side: str | None) -> dict[str, str]:
    """How the mentor and the mentee of `pair` (a mentorship or a proposal) are named to the
    person reading: in full to staff and to themselves; to the other person of the pair by the
    given name if they shared it (sharing offers nothing more), else by their role."""
    names = {}
    for side, person, role in (
        ("mentor", pair.mentor, _("your mentor")),
        ("mentee", pair.mentee, _("your mentee")),
    ):
        if is_staff or my_side == side or my_side is None:
            names[side] = person.full_name
        elif SharedField.GIVEN_NAME in shared_fields(person):
            names[side] = person.given_name
        else:
            names[side] = str(role)
    return names
