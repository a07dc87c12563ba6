"""How good a pair is, in the words staff read: the score out of 100 (the same scale as the
reports) and the warnings that keep a weak pair from being accepted with the others.

The engine's score is the weighted share of the best possible fit (0 to 1); a person reads it
out of 100. Two occupations are related when their NOC 2021 codes share the first digit, the
broad occupational category (3: health, 2: natural and applied sciences, ...): seed 003 pairs a
mentee with a professional "in the same or a related field". Senior managers (0) mentor across
categories.
"""

from django.utils.translation import gettext as _

from tandem.matching.models import Proposal


def out_of_100(score: float | None) -> int | None:
    return None if score is None else round(100 * score)


def occupations_related(first: str | None, second: str | None) -> bool:
    if not first or not second:
        return True  # unknown: nothing to warn about
    return first[0] == second[0] or "0" in (first[0], second[0])


def warnings_of(proposal: Proposal, *, min_score: int) -> list[str]:
    found = []
    score = out_of_100(proposal.score)
    if score is not None and score < min_score:
        found.append(
            _("Score %(score)s is below this program's threshold of %(threshold)s")
            % {"score": score, "threshold": min_score}
        )
    if not occupations_related(proposal.mentee.occupation_id, proposal.mentor.occupation_id):
        found.append(_("Unrelated occupation groups"))
    return found


def flag(proposals, *, min_score: int) -> list[Proposal]:
    """Each proposal gains `score_100`, `warnings` and `is_weak`."""
    flagged = list(proposals)
    for proposal in flagged:
        proposal.score_100 = out_of_100(proposal.score)
        proposal.warnings = warnings_of(proposal, min_score=min_score)
        proposal.is_weak = bool(proposal.warnings)
    return flagged
