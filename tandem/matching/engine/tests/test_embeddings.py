"""Goal similarity across English and French, and embeddings computed once."""

import numpy as np
import pytest

from tandem.matching.engine.embedding import (
    DiskCache,
    MemoryCache,
    TfidfEmbedder,
    UsemEmbedder,
    embed_texts,
    text_key,
)

GOAL_EN = "I want to become a software developer at a technology company in Ottawa."
GOAL_FR = "Je veux devenir développeur de logiciels dans une entreprise technologique à Ottawa."
UNRELATED_FR = "Je cherche un poste d'infirmière auxiliaire dans un centre d'hébergement."


@pytest.fixture(scope="module")
def usem():
    return UsemEmbedder()


@pytest.fixture(scope="module")
def tfidf():
    return TfidfEmbedder()


def cosine(vectors: np.ndarray, a: int, b: int) -> float:
    return float(vectors[a] @ vectors[b])


def test_usem_scores_an_english_goal_close_to_its_french_paraphrase(usem):
    vectors, _ = embed_texts([GOAL_EN, GOAL_FR, UNRELATED_FR], usem)
    assert cosine(vectors, 0, 1) > 0.75
    assert cosine(vectors, 0, 1) - cosine(vectors, 0, 2) > 0.3
    assert cosine(vectors, 0, 1) > usem.baseline > cosine(vectors, 1, 2) - 0.1


def test_tfidf_works_without_a_model_and_ranks_the_paraphrase_first(tfidf):
    vectors, _ = embed_texts([GOAL_EN, GOAL_FR, UNRELATED_FR], tfidf)
    assert vectors.shape == (3, tfidf.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosine(vectors, 0, 1) > cosine(vectors, 0, 2)


def test_each_distinct_text_is_embedded_once_and_empty_texts_are_zero(tfidf):
    cache = MemoryCache()
    vectors, new = embed_texts([GOAL_EN, "", GOAL_EN, GOAL_FR], tfidf, cache)
    assert new == 2 and len(cache) == 2
    assert not vectors[1].any()
    assert np.array_equal(vectors[0], vectors[2])
    _, again = embed_texts([GOAL_FR, GOAL_EN, "new text"], tfidf, cache)
    assert again == 1


def test_the_disk_cache_survives_a_new_process_and_keys_by_embedder(tmp_path, tfidf):
    first, new = embed_texts([GOAL_EN, GOAL_FR], tfidf, DiskCache(tmp_path, tfidf.name))
    assert new == 2
    reopened = DiskCache(tmp_path, tfidf.name)
    assert reopened.get(text_key(tfidf.name, GOAL_EN)) is not None
    second, new = embed_texts([GOAL_FR, GOAL_EN], tfidf, reopened)
    assert new == 0
    assert np.array_equal(second[0], first[1])
    assert DiskCache(tmp_path, "another-model").get(text_key(tfidf.name, GOAL_EN)) is None


def test_vectors_injected_by_the_platform_are_used_instead_of_embedding(tfidf):
    stored = np.zeros(tfidf.dimension, np.float32)
    stored[0] = 1.0
    cache = MemoryCache({text_key(tfidf.name, GOAL_EN): stored})
    vectors, new = embed_texts([GOAL_EN], tfidf, cache)
    assert new == 0 and np.array_equal(vectors[0], stored)


def test_many_small_shards_are_merged_without_losing_a_vector(tmp_path, tfidf, monkeypatch):
    monkeypatch.setattr(DiskCache, "MAX_SHARDS", 2)
    texts = [f"goal number {n}" for n in range(5)]
    for text in texts:
        embed_texts([text], tfidf, DiskCache(tmp_path, tfidf.name))
    assert len(list((tmp_path / tfidf.name).glob("*.keys.npy"))) <= 2
    _, new = embed_texts(texts, tfidf, DiskCache(tmp_path, tfidf.name))
    assert new == 0


def test_a_shard_index_missing_or_stale_is_rebuilt_and_finds_every_vector(tmp_path, tfidf):
    texts = [f"goal number {n}" for n in range(40)]
    first, _ = embed_texts(texts, tfidf, DiskCache(tmp_path, tfidf.name))
    (index,) = (tmp_path / tfidf.name).glob("*.index.npy")
    index.unlink()
    again, new = embed_texts(texts, tfidf, DiskCache(tmp_path, tfidf.name))
    assert new == 0 and np.array_equal(again, first)
    assert index.exists()  # written back for the next run
    np.save(index, np.zeros((2, 3), np.uint64))  # an index of another shard's length
    again, new = embed_texts(texts[::-1], tfidf, DiskCache(tmp_path, tfidf.name))
    assert new == 0 and np.array_equal(again, first[::-1])
