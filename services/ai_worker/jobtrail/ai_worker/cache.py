"""Finished AI outputs by sha256 of (kind, input document versions, model, prompt version).

Only outputs that passed the faithfulness check are kept; a hit is served without calling
the model, so it costs no tokens.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.ai_worker.llm import Completion

SCHEMA = "ai"
MIGRATIONS = Path(__file__).parent / "migrations"
metadata = sa.MetaData(schema=SCHEMA)
cache = sa.Table(
    "cache",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("output", JSONB, nullable=False),
    sa.Column("prompt_tokens", sa.Integer, nullable=False),
    sa.Column("completion_tokens", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


def cache_key(**parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class ResultCache:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, key: str) -> Completion | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(sa.select(cache).where(cache.c.key == key))).first()
        if row is None:
            return None
        return Completion(row.output, row.model, row.prompt_tokens, row.completion_tokens)

    async def put(self, key: str, kind: str, completion: Completion) -> None:
        row = {
            "key": key, "kind": kind, "model": completion.model, "output": completion.output,
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens, "created_at": datetime.now(UTC),
        }  # fmt: skip
        async with self._engine.begin() as connection:
            await connection.execute(insert(cache).values(row).on_conflict_do_nothing())

    async def ping(self) -> None:
        async with self._engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
