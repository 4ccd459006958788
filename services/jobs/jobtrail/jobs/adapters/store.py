"""The jobs service's tables on PostgreSQL and pgvector: `JobsStore` (`jobtrail.jobs.ports`).

Every statement the consumers and the replay run is here; the handlers decide, this writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.events.jobs import MatchesScored
from jobtrail.jobs.ports import Candidate, IndexedPosting, PostingText, VersionNear
from jobtrail.jobs.tables import match_runs, matches, postings, resume_vectors, thresholds

_SCORE_COLUMNS = ("score", "explanation", "model", "computed_at", "owner_id", "formula")
_RUN_COLUMNS = ("status", "visible", "candidates", "outside", "formula", "finished_at")


class PostgresJobsStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def posting_fingerprint(self, job_id: UUID) -> tuple[str | None, str | None] | None:
        async with self.engine.connect() as connection:
            found = (await connection.execute(
                sa.select(postings.c.sha256, postings.c.formula)
                .where(postings.c.job_id == job_id)
            )).first()  # fmt: skip
        return None if found is None else (found.sha256, found.formula)

    async def save_posting(self, row: dict[str, Any]) -> None:
        async with self.engine.begin() as connection:
            await upsert_posting(connection, row)

    async def posting(self, job_id: UUID) -> IndexedPosting | None:
        async with self.engine.connect() as connection:
            row = (await connection.execute(
                sa.select(postings).where(postings.c.job_id == job_id)
            )).first()  # fmt: skip
        if row is None:
            return None
        return IndexedPosting(
            title=row.title, company=row.company, location=row.location,
            skills=list(row.skills), text=row.text, job_id=row.job_id,
            requirements=row.requirements, embedding=[float(x) for x in row.embedding],
        )  # fmt: skip

    async def reference_postings(
        self, posting: IndexedPosting, owner: UUID | None, limit: int
    ) -> list[PostingText]:
        distance = postings.c.embedding.cosine_distance(posting.embedding)
        seen = postings.c.owner_id.is_(None) if owner is None else sa.or_(
            postings.c.owner_id == owner, postings.c.owner_id.is_(None))  # fmt: skip
        async with self.engine.connect() as connection:
            rows = (await connection.execute(
                sa.select(postings.c.title, postings.c.company, postings.c.location,
                          postings.c.skills, postings.c.text)
                .where(seen, postings.c.job_id != posting.job_id,
                       postings.c.duplicate_of.is_(None))
                .order_by(distance).limit(limit)
            )).all()  # fmt: skip
        return [PostingText(r.title, r.company, r.location, list(r.skills), r.text) for r in rows]

    async def versions_near(self, job_id: UUID, owner: UUID | None) -> list[VersionNear]:
        latest = (
            sa.select(resume_vectors)
            .ext(distinct_on(resume_vectors.c.resume_id))
            .order_by(resume_vectors.c.resume_id, resume_vectors.c.version.desc())
        )
        if owner is not None:
            latest = latest.where(resume_vectors.c.owner_id == owner)
        near = latest.cte("latest")
        posting = postings.alias("p")
        query = (
            sa.select(
                near.c.resume_id, near.c.version, near.c.owner_id, near.c.skills,
                near.c.bullets, near.c.facts, near.c.text,
                (1 - near.c.embedding.cosine_distance(posting.c.embedding)).label("similarity"),
            )
            .select_from(near.join(posting, posting.c.job_id == job_id))
            .where(posting.c.duplicate_of.is_(None))
        )  # fmt: skip
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            VersionNear(r.resume_id, r.version, r.owner_id, list(r.skills), list(r.bullets),
                        r.facts, r.text, float(r.similarity))
            for r in rows
        ]  # fmt: skip

    async def save_version(self, vector: dict[str, Any], run: dict[str, Any] | None) -> None:
        async with self.engine.begin() as connection:
            statement = insert(resume_vectors).values(vector)
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[resume_vectors.c.resume_id, resume_vectors.c.version],
                    set_={k: statement.excluded[k] for k in vector
                          if k not in ("resume_id", "version")},
                )
            )  # fmt: skip
            if run is not None:
                await connection.execute(insert(match_runs).values(run).on_conflict_do_nothing())

    async def vector_model(self, resume_id: UUID, version: int) -> str | None:
        async with self.engine.connect() as connection:
            model = await connection.scalar(
                sa.select(resume_vectors.c.model).where(
                    resume_vectors.c.resume_id == resume_id, resume_vectors.c.version == version
                )
            )
        return None if model is None else str(model)

    async def candidates(
        self, vector: list[float], owner: UUID, limit: int, own_limit: int
    ) -> tuple[list[Candidate], int]:
        visible = sa.select(sa.func.count()).select_from(postings).where(
            sa.or_(postings.c.owner_id == owner, postings.c.owner_id.is_(None)),
            postings.c.duplicate_of.is_(None),
        )  # fmt: skip
        async with self.engine.begin() as connection:
            # HNSW returns at most ef_search rows, fewer after filtering: widen the beam to
            # the candidates wanted and let it keep scanning past filtered-out rows.
            await connection.execute(sa.text(f"SET LOCAL hnsw.ef_search = {int(limit)}"))
            await connection.execute(sa.text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
            rows = list((await connection.execute(nearest_postings(vector, owner, limit))).all())
            found = [r.job_id for r in rows]
            own = nearest_postings(vector, owner, own_limit).where(
                postings.c.owner_id == owner, postings.c.job_id.not_in(found)
            )  # postings the user added themselves are always scored
            rows.extend((await connection.execute(own)).all())
            count = int((await connection.execute(visible)).scalar() or 0)
        return [
            Candidate(title=r.title, company=r.company, location=r.location,
                      skills=list(r.skills), text=r.text, job_id=r.job_id,
                      requirements=r.requirements, similarity=float(r.similarity))
            for r in rows
        ], count  # fmt: skip

    async def save_scores(
        self, rows: Sequence[dict[str, Any]], run: dict[str, Any] | None
    ) -> dict[UUID, int]:
        async with self.engine.begin() as connection:
            if rows:
                statement = insert(matches)
                await connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[matches.c.resume_id, matches.c.resume_version,
                                        matches.c.job_id],
                        set_={k: statement.excluded[k] for k in _SCORE_COLUMNS},
                    ),
                    list(rows),
                )  # fmt: skip
            if run is not None:
                await _finish_run(connection, run)
            owners = {row["owner_id"] for row in rows}
            found = await connection.execute(
                sa.select(thresholds.c.user_id, thresholds.c.match_threshold)
                .where(thresholds.c.user_id.in_(owners))
            )  # fmt: skip
            return {row.user_id: row.match_threshold for row in found}

    async def project_scores(self, event: MatchesScored) -> int:
        rows = [
            {"resume_id": event.resume_id, "resume_version": event.resume_version,
             "owner_id": event.owner_id, "job_id": score.job_id, "score": score.score,
             "explanation": score.explanation, "model": event.model,
             "computed_at": event.computed_at, "formula": event.formula}
            for score in event.scores
        ]  # fmt: skip
        written = 0
        async with self.engine.begin() as connection:
            if rows:
                statement = insert(matches).values(rows)
                result = await connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[matches.c.resume_id, matches.c.resume_version,
                                        matches.c.job_id],
                        set_={k: statement.excluded[k] for k in _SCORE_COLUMNS},
                        where=matches.c.computed_at <= statement.excluded.computed_at,
                    ).returning(matches.c.job_id)
                )  # fmt: skip
                written = len(result.all())
            if event.run is not None:
                await _finish_run(connection, {
                    "resume_id": event.resume_id, "version": event.resume_version,
                    "owner_id": event.owner_id, "status": "complete",
                    "visible": event.run.visible, "candidates": event.run.candidates,
                    "outside": event.run.outside, "formula": event.formula,
                    "started_at": event.computed_at, "finished_at": event.computed_at,
                }, only_if_later=True)  # fmt: skip
        return written

    async def save_threshold(self, user_id: UUID, threshold: int) -> None:
        statement = insert(thresholds).values(user_id=user_id, match_threshold=threshold)
        async with self.engine.begin() as connection:
            await connection.execute(statement.on_conflict_do_update(
                index_elements=[thresholds.c.user_id],
                set_={"match_threshold": statement.excluded.match_threshold},
            ))  # fmt: skip

    async def forget_resume(self, resume_id: UUID) -> None:
        async with self.engine.begin() as connection:
            for table in (matches, match_runs, resume_vectors):
                await connection.execute(table.delete().where(table.c.resume_id == resume_id))

    async def forget_posting(self, job_id: UUID) -> None:
        async with self.engine.begin() as connection:
            for table in (matches, postings):
                await connection.execute(table.delete().where(table.c.job_id == job_id))

    async def forget_owner(self, user_id: UUID) -> None:
        async with self.engine.begin() as connection:
            for table in (matches, match_runs, resume_vectors, postings):
                await connection.execute(table.delete().where(table.c.owner_id == user_id))
            await connection.execute(thresholds.delete().where(thresholds.c.user_id == user_id))

    async def requirements(self, job_ids: Sequence[UUID]) -> list[tuple[UUID, str | None, Any]]:
        async with self.engine.connect() as connection:
            rows = (await connection.execute(
                sa.select(postings.c.job_id, postings.c.formula, postings.c.requirements)
                .where(postings.c.job_id.in_(list(job_ids)))
            )).all()  # fmt: skip
        return [(row.job_id, row.formula, row.requirements) for row in rows]


async def upsert_posting(connection: AsyncConnection, row: dict[str, Any]) -> None:
    statement = insert(postings).values(row)
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=[postings.c.job_id],
            set_={k: statement.excluded[k] for k in row if k != "job_id"},
        )
    )


def nearest_postings(vector: list[float], owner: UUID | None, limit: int) -> sa.Select[Any]:
    """The postings a user may see, nearest first by cosine distance (the HNSW index)."""
    distance = postings.c.embedding.cosine_distance(vector)
    return (
        sa.select(postings.c.job_id, postings.c.skills, postings.c.requirements,
                  postings.c.title, postings.c.company, postings.c.location, postings.c.text,
                  (1 - distance).label("similarity"))
        .where(sa.or_(postings.c.owner_id == owner, postings.c.owner_id.is_(None)),
               postings.c.duplicate_of.is_(None))
        .order_by(distance)
        .limit(limit)
    )  # fmt: skip


async def _finish_run(
    connection: AsyncConnection, run: dict[str, Any], only_if_later: bool = False
) -> None:
    statement = insert(match_runs).values(run)
    later = sa.or_(match_runs.c.finished_at.is_(None),
                   match_runs.c.finished_at <= statement.excluded.finished_at)  # fmt: skip
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=[match_runs.c.resume_id, match_runs.c.version],
            set_={k: statement.excluded[k] for k in _RUN_COLUMNS},
            where=later if only_if_later else None,
        )
    )
