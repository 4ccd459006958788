"""Distil all-MiniLM-L6-v2 into a static table: `python -m evaluation.training.static_embeddings`.

Writes services/jobs/jobtrail/jobs/data/minilm_static.npz for `StaticEmbedder`. Deterministic
(no sampling anywhere: same inputs, same table). Steps:

1. Every word piece of MiniLM's vocabulary is run through the model once, alone between
   [CLS] and [SEP], and mean-pooled as the model pools sentences: 30,522 × 384.
2. PCA (centred, by SVD) to 256 dimensions: the leading directions keep what tells tokens
   apart and drop the component they all share.
3. SIF weights, w = a / (a + p(token)) with p counted on the fitting corpus (add-one), so
   "the" and "and" count for little in a mean and rare, telling tokens for much.
4. Fit to the model: over the corpus, the mean of a text's token rows should equal the
   model's own embedding of the text (centred, projected on the same basis, scaled to the
   table's norms). Ridge towards the table of step 3, solved exactly in the dual:
   E = E0 + Aᵀ (A Aᵀ + λI)⁻¹ (Y − A E0), A the texts' mean-pooling rows (sparse).
   λ is chosen on the dev split by agreement with the model (recall@10 of neighbours).
5. Rows stored as int8 with a scale per row, and the 256 × 384 basis that maps a mean back
   into MiniLM's 384 dimensions (orthonormal, so cosines are unchanged).

Fitting corpus: SkillSpan's TRAIN splits (house and tech: job-posting sentences), each
sentence and windows of 8 consecutive sentences (posting-length texts). Its DEV splits
choose λ. Nothing of the matching evaluation (its postings, resumes or O*NET-derived texts)
is used here, so `make eval`'s figures for this table are on texts it never saw.
The table is derived from all-MiniLM-L6-v2 (Apache-2.0); see data/MINILM-LICENSE.txt.
"""

from __future__ import annotations

import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from tokenizers import Tokenizer

from jobtrail.jobs.adapters.minilm import MiniLMEmbedder, weights_archive
from jobtrail.jobs.adapters.static import TABLE

Matrix = npt.NDArray[np.float32]
SKILLSPAN = Path(__file__).resolve().parents[1] / "data" / "skillspan"
DIMENSIONS = 256
SIF_A = 1e-3
WINDOW = 8
LAMBDAS = (0.03, 0.1, 0.3, 1.0)
BATCH = 256
CLS, SEP = 101, 102
# The model's outputs (token and sentence vectors) are kept here between runs: they depend
# only on the weights and the corpus (delete the folder after changing either), and
# computing them is most of the run's time.
CACHE = Path(__file__).resolve().parents[2] / ".eval" / "cache" / "static_embeddings"


def cached(name: str, compute: Callable[[], Matrix]) -> Matrix:
    path = CACHE / f"{name}.npy"
    if path.exists():
        loaded: Matrix = np.load(path)
        return loaded
    value = compute()
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, value)
    return value


def sentences(split: str) -> list[str]:
    """SkillSpan sentences of one split (house, then tech), tokens joined by spaces."""
    found: list[str] = []
    for part in ("house", "tech"):
        tokens: list[str] = []
        for line in (SKILLSPAN / f"skillspan_{part}_{split}.conll").read_text("utf-8").splitlines():
            if not line.strip():
                if tokens:
                    found.append(" ".join(tokens))
                tokens = []
                continue
            tokens.append(line.split("\t")[0])
        if tokens:
            found.append(" ".join(tokens))
    return found


def corpus(split: str) -> list[str]:
    """Each sentence, and windows of WINDOW consecutive sentences (posting-length texts)."""
    lines = sentences(split)
    windows = [" ".join(lines[i : i + WINDOW]) for i in range(0, len(lines), WINDOW)]
    return lines + windows


def token_vectors(model: MiniLMEmbedder, size: int) -> Matrix:
    """MiniLM's pooled output for every token alone: [CLS] token [SEP]."""
    out = np.zeros((size, model.dimensions), dtype=np.float32)
    for start in range(0, size, BATCH):
        ids = np.arange(start, min(start + BATCH, size), dtype=np.int64)
        batch = np.stack([np.full_like(ids, CLS), ids, np.full_like(ids, SEP)], axis=1)
        out[ids] = model.encode_ids(batch, np.ones(batch.shape, dtype=np.float32))
    return out


def sentence_vectors(model: MiniLMEmbedder, texts: list[str]) -> Matrix:
    """The model's own sentence embeddings (unit length), as the service computes them."""
    return model.embed_now(texts)


def pooling_rows(tokenizer: Tokenizer, texts: list[str], size: int) -> sp.csr_matrix:
    """Sparse A: row i averages the tokens of text i (counts / length)."""
    rows, cols, vals = [], [], []
    for i, encoding in enumerate(tokenizer.encode_batch(texts, add_special_tokens=False)):
        counts = Counter(encoding.ids)
        total = max(sum(counts.values()), 1)
        for token, count in sorted(counts.items()):
            rows.append(i)
            cols.append(token)
            vals.append(count / total)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), size), dtype=np.float64)


def neighbour_recall(reference: Matrix, candidate: Matrix, k: int = 10) -> float:
    """Mean share of each text's k nearest texts (by the model) the candidate also finds."""

    def top(vectors: Matrix) -> npt.NDArray[np.int64]:
        sims = vectors @ vectors.T
        np.fill_diagonal(sims, -np.inf)
        return np.argsort(-sims, axis=1, kind="stable")[:, :k]

    ref, cand = top(reference), top(candidate)
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ref, cand, strict=True)]))


def static_vectors(table: Matrix, rows: sp.csr_matrix) -> Matrix:
    pooled = np.asarray(rows @ table, dtype=np.float32)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: Matrix = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


def main(out: Path = TABLE) -> None:
    started = time.perf_counter()
    model = MiniLMEmbedder()
    with zipfile.ZipFile(weights_archive()) as bundle:
        tokenizer = Tokenizer.from_str(bundle.read("tokenizer.json").decode())
    tokenizer.no_padding()
    tokenizer.no_truncation()
    size = tokenizer.get_vocab_size()
    vocab = tokenizer.get_vocab()
    unused = [i for t, i in vocab.items() if t.startswith("[unused")]

    tokens = cached("tokens", lambda: token_vectors(model, size))
    print(f"token vectors: {size} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    used = np.ones(size, dtype=bool)
    used[unused] = False
    mean = tokens[used].mean(axis=0)
    _, singular, vt = np.linalg.svd(tokens[used] - mean, full_matrices=False)
    basis: Matrix = vt[:DIMENSIONS].astype(np.float32)
    kept = float((singular[:DIMENSIONS] ** 2).sum() / (singular**2).sum())
    projected = ((tokens - mean) @ basis.T).astype(np.float32)
    projected[~used] = 0.0

    train, dev = corpus("train"), sentences("dev")
    train_rows, dev_rows = pooling_rows(tokenizer, train, size), pooling_rows(tokenizer, dev, size)
    counts = np.zeros(size, dtype=np.float64)
    for encoding in tokenizer.encode_batch(train, add_special_tokens=False):
        np.add.at(counts, encoding.ids, 1.0)
    probability = (counts + 1.0) / (counts.sum() + size)
    weights = SIF_A / (SIF_A + probability)
    initial = (projected * weights[:, None]).astype(np.float64)

    train_targets = cached("train", lambda: sentence_vectors(model, train))
    dev_targets = cached("dev", lambda: sentence_vectors(model, dev))
    print(f"sentence targets: {len(train)} train, {len(dev)} dev, "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
    target_mean = train_targets.mean(axis=0)
    goal = (train_targets - target_mean) @ basis.T.astype(np.float64)
    pooled = train_rows @ initial
    scale = float(
        np.median(np.linalg.norm(pooled, axis=1)) / np.median(np.linalg.norm(goal, axis=1))
    )
    residual = goal * scale - pooled
    gram = (train_rows @ train_rows.T).toarray()
    baseline = neighbour_recall(dev_targets, static_vectors(initial.astype(np.float32), dev_rows))
    print(f"PCA keeps {kept:.3f} of the variance; dev recall@10 before fitting {baseline:.3f}",
          file=sys.stderr)  # fmt: skip
    best: tuple[float, float, Matrix] = (baseline, 0.0, initial.astype(np.float32))
    for ridge in LAMBDAS:
        strength = ridge * float(np.trace(gram)) / len(gram)
        dual = np.linalg.solve(gram + strength * np.eye(len(gram)), residual)
        fitted = (initial + train_rows.T @ dual).astype(np.float32)
        recall = neighbour_recall(dev_targets, static_vectors(fitted, dev_rows))
        print(f"  λ={ridge}: dev recall@10 {recall:.3f}", file=sys.stderr)
        if recall > best[0]:
            best = (recall, ridge, fitted)
    recall, ridge, table = best
    peak = np.abs(table).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    quantised = np.round(table / scales[:, None]).astype(np.int8)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, table=quantised, scales=scales, basis=basis)
    check = static_vectors((quantised * scales[:, None]).astype(np.float32), dev_rows)
    size_mb = out.stat().st_size / 1e6
    print(f"chosen λ={ridge}: dev recall@10 {recall:.3f} (int8: "
          f"{neighbour_recall(dev_targets, check):.3f}); {out} "
          f"{size_mb:.1f} MB in {time.perf_counter() - started:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
