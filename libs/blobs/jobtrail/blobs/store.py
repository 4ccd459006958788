"""Content-addressed blob storage through the minio client (sync, so run in a thread)."""

from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from minio import Minio
from minio.commonconfig import ENABLED
from minio.error import S3Error
from minio.versioningconfig import VersioningConfig
from pydantic import SecretStr

_MISSING = {"NoSuchKey", "NoSuchVersion", "NoSuchBucket"}


class S3Settings(Protocol):
    """Where the bucket is: what every service's settings carry (read structurally)."""

    @property
    def s3_endpoint(self) -> str: ...
    @property
    def s3_access_key(self) -> str: ...
    @property
    def s3_secret_key(self) -> SecretStr: ...
    @property
    def s3_bucket(self) -> str: ...
    @property
    def s3_secure(self) -> bool: ...
    @property
    def s3_region(self) -> str: ...


class BlobNotFound(Exception):
    """No object under that key (and version)."""


@dataclass(frozen=True)
class StoredBlob:
    key: str
    sha256: str
    size: int
    version_id: str | None


class BlobStore:
    """One bucket, versioning on, objects under `sha256/<hex>`."""

    def __init__(self, client: Minio, bucket: str, signer: Minio | None = None) -> None:
        self._client = client
        self._signer = signer or client  # a client with the public endpoint signs download URLs
        self.bucket = bucket

    @classmethod
    def connect(
        cls,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = False,
        region: str = "us-east-1",
        public_endpoint: str | None = None,
    ) -> BlobStore:
        def client(at: str) -> Minio:
            # A fixed region spares minio a bucket-location request before every call.
            return Minio(at, access_key, secret_key, secure=secure, region=region)

        signer = client(public_endpoint) if public_endpoint else None
        return cls(client(endpoint), bucket, signer)

    @classmethod
    async def open(cls, settings: S3Settings, public_endpoint: str | None = None) -> BlobStore:
        """Connect with a service's settings and make sure the bucket exists."""
        store = cls.connect(
            settings.s3_endpoint, settings.s3_access_key,
            settings.s3_secret_key.get_secret_value(), settings.s3_bucket,
            secure=settings.s3_secure, region=settings.s3_region,
            public_endpoint=public_endpoint,
        )  # fmt: skip
        await store.ensure_bucket()
        return store

    async def ensure_bucket(self) -> None:
        """Create the bucket with versioning on, if it is not there yet (idempotent)."""

        def ensure() -> None:
            if not self._client.bucket_exists(self.bucket):
                try:
                    self._client.make_bucket(self.bucket)
                except S3Error as error:
                    if error.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise
            self._client.set_bucket_versioning(self.bucket, VersioningConfig(ENABLED))

        await asyncio.to_thread(ensure)

    async def put(self, data: bytes, media_type: str) -> StoredBlob:
        digest = hashlib.sha256(data).hexdigest()
        key = f"sha256/{digest}"
        result = await asyncio.to_thread(
            self._client.put_object,
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=media_type,
            metadata={"sha256": digest},
        )
        return StoredBlob(key, digest, len(data), result.version_id)

    async def get(self, key: str, version_id: str | None = None) -> bytes:
        def read() -> bytes:
            try:
                response = self._client.get_object(self.bucket, key, version_id=version_id)
            except S3Error as error:
                if error.code in _MISSING:
                    raise BlobNotFound(f"no file {key} (version {version_id})") from error
                raise
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> int:
        """Remove the file in every version (and delete markers); how many were removed."""

        def remove() -> int:
            versions = self._client.list_objects(self.bucket, prefix=key, include_version=True)
            removed = 0
            for found in versions:
                if found.object_name != key:
                    continue
                self._client.remove_object(self.bucket, key, version_id=found.version_id)
                removed += 1
            return removed

        return await asyncio.to_thread(remove)

    async def download_url(
        self,
        key: str,
        *,
        version_id: str | None = None,
        filename: str | None = None,
        expires: timedelta = timedelta(minutes=15),
    ) -> str:
        headers: dict[str, str | list[str] | tuple[str]] | None = (
            {"response-content-disposition": f'attachment; filename="{_safe(filename)}"'}
            if filename
            else None
        )
        return await asyncio.to_thread(
            self._signer.presigned_get_object,
            self.bucket,
            key,
            expires=expires,
            version_id=version_id,
            response_headers=headers,
        )

    async def ping(self) -> None:
        exists = await asyncio.to_thread(self._client.bucket_exists, self.bucket)
        if not exists:
            raise BlobNotFound(f"bucket {self.bucket} does not exist")


def _safe(filename: str) -> str:
    return "".join(c for c in filename if c.isprintable() and c not in '"\\/')[:200] or "file"
