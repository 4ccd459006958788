"""The distillation script's pieces: corpus, pooling rows and the agreement measure."""

from __future__ import annotations

import numpy as np
from tokenizers import Tokenizer

from evaluation.training import static_embeddings as distil


def test_the_fitting_corpus_is_skillspan_train_only_and_stable() -> None:
    train, dev = distil.corpus("train"), distil.sentences("dev")
    assert train == distil.corpus("train")
    assert len(train) > 4000
    shared = set(distil.sentences("train")) & set(dev)  # only boilerplate lines ("!")
    assert len(shared) < 0.05 * len(dev)


def test_pooling_rows_average_each_texts_word_pieces() -> None:
    tokenizer = Tokenizer.from_str(_tokenizer_json())
    tokenizer.no_padding()  # as the script sets it up
    rows = distil.pooling_rows(tokenizer, ["python python developer", ""], 30522)
    first = rows.getrow(0).toarray()[0]
    assert np.isclose(first.sum(), 1.0)
    python = tokenizer.token_to_id("python")
    assert np.isclose(first[python], 2 / 3)
    assert rows.getrow(1).nnz == 0


def test_neighbour_recall_is_one_for_the_same_vectors_and_lower_for_others() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    assert distil.neighbour_recall(vectors, vectors, k=5) == 1.0
    other = rng.normal(size=(40, 8)).astype(np.float32)
    assert distil.neighbour_recall(vectors, other, k=5) < 0.5


def _tokenizer_json() -> str:
    import zipfile

    from jobtrail.jobs.adapters.minilm import weights_archive

    with zipfile.ZipFile(weights_archive()) as bundle:
        return bundle.read("tokenizer.json").decode()
