"""Files in S3, keyed by the sha256 of their content, in a versioned bucket."""

from jobtrail.blobs.sealed import SealedBlobs
from jobtrail.blobs.store import BlobNotFound, BlobStore, StoredBlob

__all__ = ["BlobNotFound", "BlobStore", "SealedBlobs", "StoredBlob"]
