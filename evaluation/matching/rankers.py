"""The rankers compared: random (expected), TF-IDF, BM25, the v1 matcher, the new ranking.

Every ranker scores a resume against a candidate list of public postings (`postings.public`:
id, title, company, description, skills; never the occupation labels) and returns one
score per candidate; higher ranks first. Embeddings are cached under .eval/cache/ by model
and text hash, so a rerun embeds only new texts.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.matching import baseline_v1

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".eval" / "cache" / "embeddings"

Scorer = Callable[[dict[str, Any], str, list[dict[str, Any]]], list[float]]


class CachedEmbedder:
    """An `Embedder` (model, dimensions, async embed) that remembers vectors on disk."""

    def __init__(
        self,
        factory: Callable[[], Any] | None = None,
        model: str = "sentence-transformers/all-MiniLM-L6-v2",
        dimensions: int = 384,
    ) -> None:
        self._factory = factory or _minilm
        self._inner: Any = None
        self.model = model
        self.dimensions = dimensions
        self._path = CACHE / (self.model.replace("/", "__") + ".npz")
        self._store: dict[str, np.ndarray] = {}
        self._dirty = False
        self.computed = 0
        if self._path.exists():
            with np.load(self._path) as data:
                keys = json.loads(str(data["keys"]))
                self._store = dict(zip(keys, data["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def embed_now(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of `texts`, computing only those not cached."""
        keys = [self.key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._store))
        if missing:
            if self._inner is None:
                self._inner = self._factory()
            by_key = {self.key(t): t for t in texts}
            vectors = self._inner.embed_now([by_key[k] for k in missing])
            self._store.update(zip(missing, vectors, strict=True))
            self.computed += len(missing)
            self._dirty = True
        if not keys:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self._store[k] for k in keys]).astype(np.float32)

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_now(texts)

    def save(self) -> None:
        if not self._dirty:
            return
        CACHE.mkdir(parents=True, exist_ok=True)
        keys = list(self._store)
        np.savez(
            self._path, keys=json.dumps(keys), vectors=np.stack([self._store[k] for k in keys])
        )
        self._dirty = False


def _minilm() -> Any:
    from jobtrail.jobs.adapters.minilm import MiniLMEmbedder

    return MiniLMEmbedder()


def static_embedder() -> CachedEmbedder | None:
    """The jobs service's default local embedder (a static table), when it is built."""
    try:
        from jobtrail.jobs.adapters.static import MODEL, StaticEmbedder
    except ImportError:
        return None
    return CachedEmbedder(StaticEmbedder, model=MODEL)


def posting_text(posting: dict[str, Any]) -> str:
    """The text lexical baselines read of a posting."""
    skills = ", ".join(posting.get("skills") or [])
    return "\n".join(
        p
        for p in (posting.get("title"), posting.get("company"), skills, posting.get("description"))
        if p
    )


class TfIdf:
    """TF-IDF cosine (scikit-learn), IDF fitted on the posting corpus."""

    name = "TF-IDF cosine"

    def __init__(self, corpus: Sequence[dict[str, Any]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1)
        self._vectorizer.fit([posting_text(p) for p in corpus])

    def __call__(
        self, resume: dict[str, Any], text: str, candidates: list[dict[str, Any]]
    ) -> list[float]:
        matrix = self._vectorizer.transform([posting_text(p) for p in candidates])
        query = self._vectorizer.transform([text])
        return [float(x) for x in (matrix @ query.T).toarray().ravel()]


class Bm25:
    """BM25 (bm25s, Lucene variant) over the corpus (plus any new candidates), resume as query."""

    name = "BM25"

    def __init__(self, corpus: Sequence[dict[str, Any]]) -> None:
        self._corpus = [posting_text(p) for p in corpus]
        self._ids = [p["id"] for p in corpus]
        self._index: Any = None

    def __call__(
        self, resume: dict[str, Any], text: str, candidates: list[dict[str, Any]]
    ) -> list[float]:
        import bm25s

        known = set(self._ids)
        extra = [p for p in candidates if p["id"] not in known]
        if extra or self._index is None:
            retriever = bm25s.BM25()
            docs = self._corpus + [posting_text(p) for p in extra]
            tokens = bm25s.tokenize(docs, stopwords="en", show_progress=False)
            retriever.index(tokens, show_progress=False)
            if not extra:
                self._index = retriever  # the corpus alone: reused for every resume
        else:
            retriever = self._index
        position = {pid: i for i, pid in enumerate(self._ids)}
        position.update({p["id"]: len(self._corpus) + i for i, p in enumerate(extra)})
        query = bm25s.tokenize([text], stopwords="en", show_progress=False, return_ids=False)[0]
        scores = retriever.get_scores(query) if query else np.zeros(len(position))
        return [float(scores[position[p["id"]]]) for p in candidates]


class BaselineV1:
    """The v1 matcher (frozen copy): 0.55 × rescaled MiniLM cosine + 0.45 × skill coverage."""

    name = "current matcher (v1)"

    def __init__(self, embedder: CachedEmbedder) -> None:
        self.embedder = embedder

    def __call__(
        self, resume: dict[str, Any], text: str, candidates: list[dict[str, Any]]
    ) -> list[float]:
        profile, resume_text = baseline_v1.resume_profile(resume)
        vectors = self.embedder.embed_now(
            [resume_text, *(baseline_v1.posting_text(p) for p in candidates)]
        )
        similarities = vectors[1:] @ vectors[0]
        return [
            float(baseline_v1.score(baseline_v1.posting_profile(p), profile, float(s)).score)
            for p, s in zip(candidates, similarities, strict=True)
        ]


class NewRanking:
    """`jobtrail.jobs.ranking.rank` (the hybrid ranking), when it is built."""

    name = "new ranking"

    def __init__(self, embedder: CachedEmbedder, module: Any = None) -> None:
        self.embedder = embedder
        self.module = module or new_ranking_module()
        self.name = f"new ranking ({embedder.model})"
        self.last_explanations: dict[str, Any] = {}

    def __call__(
        self, resume: dict[str, Any], text: str, candidates: list[dict[str, Any]]
    ) -> list[float]:
        assert self.module is not None
        ranked = self.module.rank(resume, text, candidates, self.embedder)
        scores = {str(pid): float(score) for pid, score, _ in ranked}
        self.last_explanations = {str(pid): why for pid, _, why in ranked}
        return [scores.get(p["id"], float("-inf")) for p in candidates]


def new_ranking_module() -> Any:
    """The module, or None when it is not built (or does not offer `rank`)."""
    try:
        module = importlib.import_module("jobtrail.jobs.ranking")
    except ImportError:
        return None
    return module if hasattr(module, "rank") else None


def order(scores: Sequence[float], ids: Sequence[str]) -> list[int]:
    """Candidate indexes best first; ties broken by a hash of the posting id.

    Not by the id itself: ids start with the occupation code, which would leak the answer.
    """
    return sorted(range(len(scores)), key=lambda i: (-scores[i], CachedEmbedder.key(ids[i])))


def run_async(coro: Any) -> Any:
    return asyncio.run(coro)
