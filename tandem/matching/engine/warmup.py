"""Compiling the kernels in another process while a first run embeds goals.

On a machine where nothing is compiled yet, numba compiles the kernels on their first call
(about 10 CPU seconds, then cached on disk), and the first run embeds every goal (about 27
CPU seconds for the 20k texts of 10k x 10k). Embedding keeps both cores busy only part of the
time (the tokenizer holds the GIL), so when a run has many texts to embed a child process
compiles the kernels meanwhile, by solving a tiny pool; the run then loads them from numba's
disk cache. When they are already cached the child only loads them and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Below this many texts to embed, the embedding is too short to hide a compilation behind.
MIN_TEXTS = 2000
ROOT = Path(__file__).resolve().parents[3]  # the directory holding the ``tandem`` package


class Background:
    """``start(count)`` from ``embed_texts``'s ``on_missing``; ``wait()`` once embedded."""

    def __init__(self, *, min_texts: int | None = None) -> None:
        self.min_texts = MIN_TEXTS if min_texts is None else min_texts
        self.process: subprocess.Popen | None = None

    def start(self, count: int) -> None:
        if count < self.min_texts or self.process is not None:
            return
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tandem.matching.engine.warmup"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self.process = None  # the run compiles the kernels itself, as without this

    def wait(self) -> None:
        if self.process is not None:
            self.process.wait()
            self.process = None


def compile_kernels() -> None:
    """Call every kernel once on a tiny scarce pool: a solve with pricing rounds, a warm
    re-solve after a change (the repair), a block of scores and single pairs."""
    import numpy as np

    from . import kernels
    from .api import Matcher, PoolEmbeddings
    from .model import Participant, Pool
    from .reference import fsas, noc_unit_groups
    from .scoring import score_block, score_pairs

    codes = noc_unit_groups()[:3]
    areas = sorted(fsas())[:2]

    def person(role: str, index: int) -> Participant:
        return Participant(
            external_id=f"{role}-{index}",
            role=role,  # type: ignore[arg-type]
            preferred_language="fr" if index % 3 == 0 else "en",
            languages=frozenset({"en", "fr"}),
            noc_code=codes[index % len(codes)],
            postal_code=areas[index % len(areas)],
            meeting_mode=("either", "virtual", "in_person")[index % 3],
            goals=f"goal {index}",
            capacity=1,
            years_experience=float(index),
        )

    pool = Pool(
        tuple(person("mentee", i) for i in range(24)), tuple(person("mentor", j) for j in range(8))
    )
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(32, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    matcher = Matcher(
        pool, embedder=_Tiny(), embeddings=PoolEmbeddings(vectors[:24], vectors[24:], 0)
    )
    matcher.solve(k=1)
    matcher.changed(remove=["mentor-0"]).solve(k=1)
    score_block(matcher.context, np.arange(3), np.arange(3))
    score_pairs(matcher.context, np.arange(3), np.arange(3))
    # The tiny pool has fewer places than mentees, so its solve never checks for a full
    # matching (see assignment.full_assignment): compile that kernel on its own.
    kernels.complete_matching(
        np.array([0, 1]),
        np.array([0]),
        np.array([0]),
        np.array([1]),
        np.array([-1]),
        np.ones(1, bool),
    )
    # Nor may it take a partial scan, whose choice of record counts mentors first.
    kernels.walk_counts(*(np.zeros(size, np.int64) for size in (2, 2, 1, 1)))


class _Tiny:
    name = "warm-up"
    dimension = 512
    baseline = 0.3

    def embed(self, texts):
        import numpy as np

        return np.zeros((len(texts), self.dimension), np.float32)


if __name__ == "__main__":
    compile_kernels()
