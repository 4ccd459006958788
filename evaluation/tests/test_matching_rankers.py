"""The baseline rankers and the embedding cache, on tiny inputs."""

from types import SimpleNamespace

import numpy as np

from evaluation.matching import rankers

POSTINGS = [
    {"id": "nurse", "title": "Registered Nurse", "company": "A", "description": "Patient care."},
    {"id": "dev", "title": "Python Developer", "company": "B", "description": "Django, APIs."},
    {"id": "law", "title": "Attorney", "company": "C", "description": "Litigation, contracts."},
]
RESUME_TEXT = "Python developer: five years of Django and REST APIs."


class CountingEmbedder:
    """A fake of our own Embedder port: a vector per text from its letters, counting calls."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_now(self, texts):
        self.embedded.extend(texts)
        vectors = np.array(
            [[t.lower().count(c) + 0.1 for c in "aeioupythn"] for t in texts], dtype=np.float32
        )
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_lexical_baselines_rank_the_posting_sharing_the_resumes_words_first():
    for ranker in (rankers.TfIdf(POSTINGS), rankers.Bm25(POSTINGS)):
        scores = ranker({}, RESUME_TEXT, POSTINGS)
        assert max(range(3), key=scores.__getitem__) == 1, ranker.name


def test_bm25_scores_candidates_outside_the_corpus_too():
    extra = {"id": "x", "title": "Django engineer", "company": "D", "description": "Python."}
    scores = rankers.Bm25(POSTINGS)({}, RESUME_TEXT, [POSTINGS[0], extra])
    assert scores[1] > scores[0]


def test_embedding_cache_computes_each_text_once_and_survives_a_restart(tmp_path, monkeypatch):
    monkeypatch.setattr(rankers, "CACHE", tmp_path)
    inner = CountingEmbedder()
    cache = rankers.CachedEmbedder(lambda: inner, model="fake/model", dimensions=10)
    first = cache.embed_now(["a text", "another", "a text"])
    cache.save()
    again = rankers.CachedEmbedder(lambda: inner, model="fake/model", dimensions=10)
    second = again.embed_now(["another", "a text"])
    assert inner.embedded == ["a text", "another"]
    np.testing.assert_allclose(second, first[[1, 0]])


def test_the_v1_baseline_rewards_the_posting_naming_the_resumes_skills(tmp_path, monkeypatch):
    monkeypatch.setattr(rankers, "CACHE", tmp_path)
    cache = rankers.CachedEmbedder(CountingEmbedder, model="fake/model", dimensions=10)
    resume = {"basics": {"label": "Developer"}, "skills": [{"name": "Python"}, {"name": "Django"}]}
    postings = [
        {"id": "a", "title": "Developer", "description": "We use Python and Django."},
        {"id": "b", "title": "Developer", "description": "We use Java and Spring."},
    ]
    scores = rankers.BaselineV1(cache)(resume, "", postings)
    assert scores[0] > scores[1]


def test_the_new_ranking_adapter_puts_scores_back_in_candidate_order(tmp_path, monkeypatch):
    monkeypatch.setattr(rankers, "CACHE", tmp_path)
    cache = rankers.CachedEmbedder(CountingEmbedder, model="fake/model", dimensions=10)
    fake = SimpleNamespace(
        rank=lambda resume, text, postings, embedder: [("law", 90, {}), ("nurse", 10, {})]
    )
    adapter = rankers.NewRanking(cache, module=fake)
    scores = adapter({}, RESUME_TEXT, POSTINGS)
    assert scores[0] == 10
    assert scores[2] == 90
    assert scores[1] == float("-inf")  # a posting the ranker left out ranks last
