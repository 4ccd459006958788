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
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.ai_worker.llm import Completion
from jobtrail.privacy import KeySource, SealingError
from jobtrail.privacy.cipher import is_sealed, open_json, seal_json, sealed_kid

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
    """Outputs by the hash of what produced them. An output is about one job seeker, so it is
    sealed with their data key (`jobtrail.privacy`): once their account is erased, their
    entries open for no one and count as misses."""

    def __init__(self, engine: AsyncEngine, keys: KeySource) -> None:
        self._engine = engine
        self._keys = keys

    async def get(self, key: str, owner_id: UUID) -> Completion | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(sa.select(cache).where(cache.c.key == key))).first()
        if row is None:
            return None
        output = row.output
        if is_sealed(output):
            keys = await self._keys.owner_keys(owner_id)
            data_key = keys.keys.get(sealed_kid(output)) if keys is not None else None
            if data_key is None:
                return None
            try:
                output = open_json(data_key, output, key.encode())
            except SealingError:  # another owner's entry under the same inputs: a miss
                return None
        return Completion(output, row.model, row.prompt_tokens, row.completion_tokens)

    async def put(self, key: str, kind: str, completion: Completion, owner_id: UUID) -> None:
        sealed = seal_json(await self._keys.writing_key(owner_id), completion.output, key.encode())
        row = {
            "key": key, "kind": kind, "model": completion.model, "output": sealed,
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens, "created_at": datetime.now(UTC),
        }  # fmt: skip
        async with self._engine.begin() as connection:
            await connection.execute(insert(cache).values(row).on_conflict_do_nothing())

    async def ping(self) -> None:
        async with self._engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
