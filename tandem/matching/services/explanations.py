"""The engine's explanation of a pair, as a proposal keeps it (in both languages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tandem.matching import pool
from tandem.matching.engine import model as engine
from tandem.matching.engine.api import Matcher
from tandem.matching.engine.explain import contributions
from tandem.matching.engine.model import PairExplanation
from tandem.matching.models import (
    Exclusion,
)
from tandem.matching.services.base import LANGUAGES, settings_for
from tandem.participants.models import Participant


def explanation_fields(explanations: dict[str, PairExplanation]) -> dict[str, Any]:
    """What a proposal keeps of the engine's explanation, in both languages."""
    first = explanations["en"]
    return {
        "score": first.score,
        # Each criterion's sentence apart, so that the pair can be shown only those about
        # fields the other person shared (sharing.pair_sentences).
        "contributions": [
            {
                "criterion": c.criterion,
                "value": round(c.value, 4),
                "weight": round(c.weight, 4),
                "contribution": round(c.contribution, 4),
                "sentences": {
                    lang: e.contributions[k].sentence
                    for lang, e in explanations.items()
                    if e.is_allowed and k < len(e.contributions)
                },
            }
            for k, c in enumerate(first.contributions)
        ],
        "sentences": {
            lang: list(e.sentences) if e.is_allowed else [] for lang, e in explanations.items()
        },
        "broken_rules": [str(rule) for rule in first.broken_rules],
        "rule_sentences": {lang: list(e.rule_sentences) for lang, e in explanations.items()},
    }


def chosen_explanation_fields(
    matcher: Matcher, chosen: Sequence[engine.Proposal], progress=None
) -> list[dict[str, Any]]:
    """`explanation_fields(explain(...))` of every pair a solution chose, computed at once.

    The solution already carries each chosen pair's criteria and score (the engine computes them
    for all pairs together), and a chosen pair breaks no rule: only the sentences remain to be
    written, in each language. Asking the engine to explain each pair again scored every pair
    a second and third time (10,000 single-pair calls for 5,000 pairs: most of a run's saving).
    """
    context = matcher.context
    mentees = {p.external_id: p for p in context.mentees.people}
    mentors = {p.external_id: (j, p) for j, p in enumerate(context.mentors.people)}
    mentee_rows = matcher.pool.mentee_index
    rows = []
    for position, proposal in enumerate(chosen):
        mentee = mentees[proposal.mentee_id]
        j, mentor = mentors[proposal.mentor_id]
        # The distance the sentence names, as the engine's own explanation measures it.
        km = matcher._km(mentee_rows[proposal.mentee_id], j)
        explanations = {
            lang: PairExplanation(
                mentee_id=proposal.mentee_id,
                mentor_id=proposal.mentor_id,
                is_allowed=True,
                score=proposal.score,
                contributions=contributions(
                    proposal.criteria, context.shares, mentee, mentor, km=km, lang=lang
                ),
            )
            for lang in LANGUAGES
        }
        rows.append(explanation_fields(explanations))
        if progress is not None and position % 500 == 0:
            progress("saving", position, len(chosen))
    return rows


def explain(matcher: Matcher, mentee_id: int, mentor_id: int) -> dict[str, PairExplanation]:
    return {
        lang: matcher.explain_pair(
            pool.engine_id(mentee_id, "mentee"), pool.engine_id(mentor_id, "mentor"), lang=lang
        )
        for lang in LANGUAGES
    }


def explain_any_pair(
    program, mentee: Participant, mentor: Participant
) -> dict[str, PairExplanation]:
    """The engine's explanation of one pair, whether or not both are in the pool now (a full
    mentor, a pair staff kept): a two-person pool scores a pair exactly as the whole pool does."""
    weights = pool.weight_profile(settings_for(program))
    two = pool.engine.Pool(
        (pool.to_engine(mentee, side="mentee"),), (pool.to_engine(mentor, side="mentor"),)
    )
    excluded = Exclusion.objects.filter(program=program, mentee=mentee, mentor=mentor).exists()
    desk = pool.DeskPool(
        program,
        weights,
        two,
        [(pool.engine_id(mentee.pk, "mentee"), pool.engine_id(mentor.pk, "mentor"))]
        if excluded
        else [],
    )
    return explain(pool.make_matcher(desk), mentee.pk, mentor.pk)
