"""OpenAI's embeddings API (or anything that speaks it, at a configurable base URL)."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import numpy as np

from jobtrail.jobs.embedding import Vectors, normalise

BATCH = 256


class EmbeddingsUnavailable(RuntimeError):
    """The embeddings API refused or failed; the message says what it answered."""


class OpenAIEmbedder:
    """`text-embedding-3-small` by default, shortened to the column's dimensions."""

    def __init__(
        self,
        api_key: str,
        *,
        model: str = "text-embedding-3-small",
        base_url: str = "https://api.openai.com/v1",
        dimensions: int = 384,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.model = model
        self.dimensions = dimensions
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"authorization": f"Bearer {api_key}"},
            timeout=timeout,
            transport=transport,
        )

    async def embed(self, texts: Sequence[str]) -> Vectors:
        out: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            chunk = [t or " " for t in texts[start : start + BATCH]]
            response = await self._client.post(
                "/embeddings",
                json={"model": self.model, "input": chunk, "dimensions": self.dimensions},
            )
            if response.status_code != 200:
                raise EmbeddingsUnavailable(
                    f"embeddings API answered {response.status_code}: {response.text[:200]}"
                )
            data = sorted(response.json()["data"], key=lambda d: d["index"])
            out.extend(d["embedding"] for d in data)
        if not out:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return normalise(np.asarray(out, dtype=np.float32))

    async def aclose(self) -> None:
        await self._client.aclose()
