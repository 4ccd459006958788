"""The local embedder runs offline from the packaged weights; the OpenAI one speaks HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from jobtrail.jobs.adapters.minilm import MODEL, MiniLMEmbedder, weights_archive
from jobtrail.jobs.adapters.openai import EmbeddingsUnavailable, OpenAIEmbedder
from jobtrail.jobs.adapters.static import MODEL as STATIC_MODEL
from jobtrail.jobs.adapters.static import StaticEmbedder


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    """Loaded with the hub switched off and every outgoing connection refused."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        import socket

        def no_network(*args: Any, **kwargs: Any) -> None:
            raise AssertionError("the local embedder tried to reach the network")

        patch.setattr(socket, "create_connection", no_network)
        patch.setattr(socket.socket, "connect", no_network)
        return MiniLMEmbedder()


def test_the_weights_come_from_the_installed_package() -> None:
    assert weights_archive().name == "model.zip"
    assert weights_archive().is_file()


async def test_local_embeddings_are_unit_vectors_that_rank_related_texts_closer(
    minilm: MiniLMEmbedder,
) -> None:
    vectors = await minilm.embed(
        [
            "A man is eating food.",
            "A man is eating a piece of bread.",
            "The girl is carrying a baby.",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    # sentence-transformers' own all-MiniLM-L6-v2 gives 0.7553 for the first pair
    assert similar == pytest.approx(0.7553, abs=0.01)
    assert unrelated < 0.1
    assert minilm.model == MODEL


async def test_batches_give_the_same_vectors_as_single_texts(minilm: MiniLMEmbedder) -> None:
    texts = ["short", "a much longer text about Python and PostgreSQL services", "mid length"]
    together = await minilm.embed(texts)
    alone = np.vstack([await minilm.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    return StaticEmbedder()


POSTINGS = [
    "Senior Python developer: build REST APIs with Django and PostgreSQL, deploy on AWS.",
    "Registered nurse for the intensive care unit: patient assessment, medication, charting.",
    "Truck driver with a commercial licence for long-haul freight deliveries across states.",
    "Accountant: prepare financial statements, reconcile ledgers, handle tax filings.",
    "Frontend engineer: React, TypeScript and CSS for our web application's user interface.",
    "Chef de partie: prepare dishes, manage the kitchen station, keep food safety standards.",
]
RESUMES = [
    "Backend software engineer, 6 years of Python, Django, SQL databases and cloud services.",
    "ICU nurse caring for critically ill patients, giving medication and keeping records.",
    "Bookkeeper and accountant: ledgers, month-end close, tax returns, financial reports.",
]


async def test_static_embeddings_are_deterministic_unit_vectors_of_the_stored_size(
    static: StaticEmbedder,
) -> None:
    texts = ["Python developer", "", "x" * 50_000, "Kubernetes and Terraform on AWS"]
    first = await static.embed(texts)
    again = StaticEmbedder().embed_now(texts)
    assert first.shape == (4, static.dimensions) == (4, 384)
    assert first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, again)
    assert static.model == STATIC_MODEL != MODEL  # vectors of the two are never mixed


async def test_static_batches_give_the_same_vectors_as_single_texts(
    static: StaticEmbedder,
) -> None:
    together = await static.embed(POSTINGS)
    alone = np.vstack([await static.embed([t]) for t in POSTINGS])
    assert np.allclose(together, alone, atol=1e-6)


async def test_static_embeddings_put_similar_texts_closer_than_unrelated_ones(
    static: StaticEmbedder,
) -> None:
    vectors = await static.embed(
        ["A man is eating food.", "A man is eating a piece of bread.",
         "The girl is carrying a baby."]
    )  # fmt: skip
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.1


async def test_static_embeddings_rank_postings_as_minilm_does(
    static: StaticEmbedder, minilm: MiniLMEmbedder
) -> None:
    def best(vectors: np.ndarray) -> list[int]:
        resumes, postings = vectors[: len(RESUMES)], vectors[len(RESUMES) :]
        return [int(i) for i in np.argmax(resumes @ postings.T, axis=1)]

    texts = [*RESUMES, *POSTINGS]
    assert best(await minilm.embed(texts)) == [0, 1, 3]
    assert best(await static.embed(texts)) == best(await minilm.embed(texts))


class FakeOpenAI:
    """A loopback server speaking the embeddings API (POST /v1/embeddings)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.bodies.append({**body, "auth": self.headers["authorization"]})
                if fake.status != 200:
                    payload = b'{"error": {"message": "quota exceeded"}}'
                else:
                    data = [{"object": "embedding", "index": i,
                             "embedding": [float(len(t)), 1.0] + [0.0] * (body["dimensions"] - 2)}
                            for i, t in enumerate(body["input"])]  # fmt: skip
                    payload = json.dumps({"object": "list", "data": data[::-1],
                                          "model": body["model"]}).encode()  # fmt: skip
                self.send_response(fake.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    yield fake
    fake.server.shutdown()


async def test_openai_embeddings_come_back_in_input_order_and_normalised(
    fake_openai: FakeOpenAI,
) -> None:
    embedder = OpenAIEmbedder("sk-test", base_url=fake_openai.url)
    vectors = await embedder.embed(["a", "bbb"])
    await embedder.aclose()
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert vectors[1][0] > vectors[0][0]  # "bbb" (index 1) is longer, whatever order came back
    [sent] = fake_openai.bodies
    assert sent["model"] == "text-embedding-3-small"
    assert sent["dimensions"] == 384
    assert sent["auth"] == "Bearer sk-test"


async def test_an_openai_error_says_what_the_api_answered(fake_openai: FakeOpenAI) -> None:
    fake_openai.status = 429
    embedder = OpenAIEmbedder("sk-test", base_url=fake_openai.url)
    with pytest.raises(EmbeddingsUnavailable, match=r"429.*quota exceeded"):
        await embedder.embed(["a"])
    await embedder.aclose()
