"""Goal vectors stored in the database, behind the engine's VectorCache interface.

Each distinct goal text is embedded once, when a profile is saved (tasks.goal_vectors_compute)
or, for rows a spreadsheet import wrote in bulk, by the first run that meets them; a run reads
every vector in a few queries and never embeds a text twice.
"""

import functools
from collections.abc import Iterable, Mapping

import numpy as np
from django.conf import settings

from tandem.matching.engine.embedding import Embedder, embed_texts, make_embedder, text_key
from tandem.matching.models import GoalVector

CHUNK = 2000


@functools.cache
def _embedder(kind: str) -> Embedder:
    if "." in kind:  # a class by dotted path (tests use a tiny deterministic one)
        from django.utils.module_loading import import_string

        return import_string(kind)()
    return make_embedder(kind)


def embedder() -> Embedder:
    """The multilingual encoder in production; tests may choose the TF-IDF path (no model)."""
    return _embedder(getattr(settings, "TANDEM_MATCHING_EMBEDDER", "usem"))


class DatabaseVectorCache:
    """Vectors of `GoalVector` rows; `preload` fetches a whole pool's in a few queries."""

    def __init__(self, embedder_name: str) -> None:
        self.embedder_name = embedder_name
        self._vectors: dict[str, np.ndarray] = {}

    def preload(self, texts: Iterable[str]) -> None:
        keys = sorted({text_key(self.embedder_name, t.strip()) for t in texts if t.strip()})
        missing = [key for key in keys if key not in self._vectors]
        for start in range(0, len(missing), CHUNK):
            rows = GoalVector.objects.filter(key__in=missing[start : start + CHUNK]).values_list(
                "key", "vector"
            )
            for key, vector in rows:
                self._vectors[key] = np.frombuffer(bytes(vector), dtype="<f4")

    def get(self, key: str) -> np.ndarray | None:
        return self._vectors.get(key)

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        self._vectors.update(items)
        GoalVector.objects.bulk_create(
            [
                GoalVector(
                    key=key,
                    embedder=self.embedder_name,
                    vector=np.asarray(vector, dtype="<f4").tobytes(),
                )
                for key, vector in items.items()
            ],
            batch_size=500,
            ignore_conflicts=True,  # two workers embedding the same text store it once
        )


def goal_vectors_ensure(texts: Iterable[str]) -> int:
    """Stores the vectors of texts that have none yet; returns how many were embedded."""
    texts = [t for t in texts if t and t.strip()]
    model = embedder()
    cache = DatabaseVectorCache(model.name)
    cache.preload(texts)
    _vectors, new = embed_texts(texts, model, cache)
    return new
