"""`GET /downloads/{token}`: the file behind a short-lived download link.

Links are made by the routes that offer a file (`GET /resumes/{id}/file`,
`GET /exports/{id}/download`, `GET /attachments/{id}/download`): the token names the file and
its owner, so the link works without a login, like a presigned URL, while the file stays
sealed at rest (`jobtrail.blobs.sealed`).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response

from jobtrail.blobs import BlobNotFound
from jobtrail.gateway.api.dependencies import DepsDep
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.handlers.downloads import LinkedFile

router = APIRouter(tags=["downloads"])


def link_to(request: Request, deps: DepsDep, file: LinkedFile) -> str:
    """An absolute link to `file`, valid for `deps.downloads.expires_in` seconds."""
    return str(request.url_for("download", token=deps.downloads.token(file)))


@router.get(
    "/downloads/{token}",
    name="download",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}},
)
async def download(token: str, deps: DepsDep) -> Response:
    """The file a download link names (404 for a link that is not valid or a file that is
    gone, 410 for one that expired)."""
    file = deps.downloads.read(token)
    try:
        data = await deps.files.get(file.key, file.version_id)
    except BlobNotFound:
        raise NotFound("the file of this link no longer exists") from None
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                    for c in file.filename)  # fmt: skip
    disposition = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file.filename)}"
    return Response(
        content=data,
        media_type=file.media_type,
        headers={"content-disposition": disposition, "cache-control": "private, no-store"},
    )
