"""Tandem's matching engine: optimal, explained, bilingual mentor-mentee matching.

Plain Python (numpy, scipy, OR-Tools); imports nothing from Django. See
``docs/matching-engine.md``. The public interface is re-exported here; heavy modules load on
first use so that ``import tandem.matching.engine`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Matcher": "api",
    "solve": "api",
    "rank_candidates": "api",
    "explain_pair": "api",
    "embed_pool": "api",
    "PoolEmbeddings": "api",
    "DEFAULT_K": "api",
    "Participant": "model",
    "Pool": "model",
    "WeightProfile": "model",
    "Solution": "model",
    "Proposal": "model",
    "Unmatched": "model",
    "UnmatchedReason": "model",
    "Candidate": "model",
    "PairExplanation": "model",
    "Contribution": "model",
    "Rule": "model",
    "EngineError": "model",
    "CRITERIA": "model",
    "SLOTS": "model",
    "Embedder": "embedding",
    "UsemEmbedder": "embedding",
    "TfidfEmbedder": "embedding",
    "MemoryCache": "embedding",
    "DiskCache": "embedding",
    "VectorCache": "embedding",
    "text_key": "embedding",
    "read_participants": "csvio",
    "ParticipantsFileError": "csvio",
    "RowError": "csvio",
}

__all__ = [
    "CRITERIA",
    "Candidate",
    "Contribution",
    "DEFAULT_K",
    "DiskCache",
    "Embedder",
    "EngineError",
    "Matcher",
    "MemoryCache",
    "PairExplanation",
    "Participant",
    "ParticipantsFileError",
    "Pool",
    "PoolEmbeddings",
    "Proposal",
    "RowError",
    "Rule",
    "SLOTS",
    "Solution",
    "TfidfEmbedder",
    "Unmatched",
    "UnmatchedReason",
    "UsemEmbedder",
    "VectorCache",
    "WeightProfile",
    "embed_pool",
    "explain_pair",
    "rank_candidates",
    "read_participants",
    "solve",
    "text_key",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(name)


if TYPE_CHECKING:
    from .api import (
        DEFAULT_K,
        Matcher,
        PoolEmbeddings,
        embed_pool,
        explain_pair,
        rank_candidates,
        solve,
    )
    from .csvio import ParticipantsFileError, RowError, read_participants
    from .embedding import (
        DiskCache,
        Embedder,
        MemoryCache,
        TfidfEmbedder,
        UsemEmbedder,
        VectorCache,
        text_key,
    )
    from .model import (
        CRITERIA,
        SLOTS,
        Candidate,
        Contribution,
        EngineError,
        PairExplanation,
        Participant,
        Pool,
        Proposal,
        Rule,
        Solution,
        Unmatched,
        UnmatchedReason,
        WeightProfile,
    )
