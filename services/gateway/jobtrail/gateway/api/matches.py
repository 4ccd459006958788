"""Which postings fit a resume version, and why."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from jobtrail.gateway.api.dependencies import CurrentUser, DepsDep
from jobtrail.gateway.api.inputs import CURSOR_PATTERN, Version
from jobtrail.gateway.api.jobs import FiltersDep, MatchPage, matched_page

router = APIRouter(prefix="/resumes", tags=["resumes", "jobs"])


@router.get("/{resume_id}/matches")
async def resume_matches(
    resume_id: UUID,
    me: CurrentUser,
    deps: DepsDep,
    filters: FiltersDep,
    version: Annotated[Version | None, Query(description="default: the current one")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="top K")] = 20,
    cursor: Annotated[str | None, Query(pattern=CURSOR_PATTERN)] = None,
) -> MatchPage:
    """The best-scoring postings for a resume version, each with its explanation. Scores
    appear a moment after a posting or a version is added: `status` stays `scoring`, with
    `pending` postings, until every posting you can see is scored or `outside` the
    version's candidate set."""
    return await matched_page(me, deps, filters, resume_id, version, limit, cursor)
