"""Documents as objects in an S3 bucket (AWS, SeaweedFS, MinIO, Garage): uploads go up in 8 MiB multipart parts."""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from partnerskap.storage import NotFound, StorageError, StorageFull, content_disposition, validate_key, validate_prefix

log = logging.getLogger(__name__)

PART_SIZE = 8 * 1024 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}
_FULL = {"XMinioStorageFull", "QuotaExceeded"}  # MinIO with no disk left, Ceph over a bucket quota
_SESSION_LOCK = threading.Lock()


@functools.cache
def _session() -> boto3.session.Session:
    """One session for every client: it loads the S3 model once (making clients from it must hold _SESSION_LOCK)."""
    return boto3.session.Session()


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def _errors(action: str, key: str | None = None) -> Iterator[None]:
    try:
        yield
    except ClientError as error:
        if key is not None and _code(error) in _MISSING:
            raise NotFound(key) from error
        if _code(error) in _FULL:
            raise StorageFull(f"S3 refused to {action}: {error}") from error
        raise StorageError(f"S3 refused to {action}: {error}") from error
    except (BotoCoreError, OSError) as error:
        raise StorageError(f"could not {action}: {error}") from error


class S3Upload:
    """One object going up: a single PUT when small, otherwise a multipart upload fed one part at a time."""

    def __init__(self, storage: S3Storage, key: str):
        self.key = key
        self._client = storage.client
        self._bucket = storage.bucket
        self._buffer = io.BytesIO()
        self._upload_id: str | None = None
        self._parts: list[dict] = []
        self._finished = False

    def write(self, chunk: bytes) -> None:
        """Buffer bytes; send them as a part once a part's worth has arrived."""
        self._require_open()
        self._buffer.write(chunk)
        if self._buffer.tell() >= PART_SIZE:
            self._send_part()

    def _send_part(self) -> None:
        with _errors(f"upload a part of {self.key}"):
            if self._upload_id is None:
                self._upload_id = self._client.create_multipart_upload(Bucket=self._bucket, Key=self.key)["UploadId"]
            number = len(self._parts) + 1
            self._buffer.seek(0)
            sent = self._client.upload_part(Bucket=self._bucket, Key=self.key, UploadId=self._upload_id, PartNumber=number, Body=self._buffer)
            self._parts.append({"ETag": sent["ETag"], "PartNumber": number})
        self._buffer = io.BytesIO()

    def complete(self) -> None:
        """Send what is left and make the object visible."""
        self._require_open()
        with _errors(f"store {self.key}"):
            if self._upload_id is None:
                self._buffer.seek(0)
                self._client.put_object(Bucket=self._bucket, Key=self.key, Body=self._buffer)
            else:
                if self._buffer.tell():
                    self._send_part()
                self._client.complete_multipart_upload(Bucket=self._bucket, Key=self.key, UploadId=self._upload_id, MultipartUpload={"Parts": self._parts})
        self._finished = True
        self._buffer = io.BytesIO()

    def abort(self) -> None:
        """Drop the buffer and the parts sent; never raises (abort_stale removes what an unreachable store kept)."""
        if self._finished:
            return
        self._finished = True
        self._buffer = io.BytesIO()
        if self._upload_id is None:
            return
        try:
            self._client.abort_multipart_upload(Bucket=self._bucket, Key=self.key, UploadId=self._upload_id)
        except ClientError as error:
            if _code(error) != "NoSuchUpload":
                log.warning("could not abort the upload of %s (abort_stale will): %s", self.key, error)
        except (BotoCoreError, OSError) as error:
            log.warning("could not abort the upload of %s (abort_stale will): %s", self.key, error)

    def _require_open(self) -> None:
        if self._finished:
            raise StorageError(f"the upload of {self.key} is already finished")


class S3Storage:
    """Objects in one bucket, created on first use when missing."""

    def __init__(self, *, bucket: str, endpoint_url: str = "", region: str = "us-east-1", access_key: str = "", secret_key: str = "", path_style: bool = True):
        self.bucket = bucket
        self.region = region
        config = Config(
            s3={"addressing_style": "path" if path_style else "auto"},
            signature_version="s3v4",  # presigned links would otherwise use SigV2, which AWS no longer accepts everywhere
            connect_timeout=5,
            read_timeout=60,
            retries={"max_attempts": 3, "mode": "standard"},
            # S3-compatible stores often reject the newer default checksum trailers; SigV4 still signs the payload
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        with _SESSION_LOCK, _errors("set up the S3 client"):
            self.client = _session().client(
                "s3",
                endpoint_url=endpoint_url or None,
                region_name=region or None,
                aws_access_key_id=access_key or None,
                aws_secret_access_key=secret_key or None,
                config=config,
            )
        self._bucket_ready = False
        self._lock = threading.Lock()

    def begin(self, key: str) -> S3Upload:
        """Start an upload; nothing reaches the store before the first part or complete()."""
        validate_key(key)
        self._ensure_bucket()
        return S3Upload(self, key)

    def open(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """Stream an object in chunks; the request goes out at the first chunk."""
        return self._read(validate_key(key), chunk_size)

    def _read(self, key: str, chunk_size: int) -> Iterator[bytes]:
        with _errors(f"read {key}", key):
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            try:
                yield from body.iter_chunks(chunk_size)
            finally:
                body.close()

    def size(self, key: str) -> int:
        """An object's size in bytes."""
        validate_key(key)
        with _errors(f"measure {key}", key):
            return self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"]

    def exists(self, key: str) -> bool:
        """Whether an object is stored under the key."""
        try:
            self.size(key)
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        """Remove an object; S3 itself treats a missing one as removed."""
        validate_key(key)
        self._ensure_bucket()
        with _errors(f"delete {key}"):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Keys that start with a prefix, in the store's (lexicographic) order."""
        return self._keys(validate_prefix(prefix))

    def _keys(self, prefix: str) -> Iterator[str]:
        self._ensure_bucket()
        with _errors("list the stored objects"):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield item["Key"]

    def stale_uploads(self, older_than: timedelta) -> list[str]:
        """Keys of multipart uploads started longer ago than that and never completed."""
        return [key for key, _upload_id in self._stale(older_than)]

    def abort_stale(self, older_than: timedelta) -> int:
        """Abort multipart uploads started longer ago than that; returns how many."""
        stale = self._stale(older_than)
        with _errors("abort unfinished uploads"):
            for key, upload_id in stale:
                try:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
                except ClientError as error:
                    if _code(error) != "NoSuchUpload":
                        raise
        return len(stale)

    def _stale(self, older_than: timedelta) -> list[tuple[str, str]]:
        self._ensure_bucket()
        limit = datetime.now(UTC) - older_than
        with _errors("list unfinished uploads"):
            return [
                (upload["Key"], upload["UploadId"])
                for page in self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket)
                for upload in page.get("Uploads", [])
                if upload["Initiated"] <= limit
            ]

    def check(self) -> None:
        """Ask the store for the bucket (creating it when missing)."""
        self._ensure_bucket(again=True)

    def presigned_url(self, key: str, filename: str, content_type: str, seconds: int = 300) -> str | None:
        """A signed GET that downloads the object under its file name and type."""
        validate_key(key)
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition("attachment", filename),
            "ResponseContentType": content_type,
        }
        with _errors(f"sign a link to {key}"):
            return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)

    def _ensure_bucket(self, *, again: bool = False) -> None:
        if self._bucket_ready and not again:
            return
        with self._lock, _errors(f"reach the bucket {self.bucket}"):
            try:
                self.client.head_bucket(Bucket=self.bucket)
            except ClientError as error:
                if _code(error) not in _MISSING:
                    raise
                self._create_bucket()
            self._bucket_ready = True

    def _create_bucket(self) -> None:
        placement = {} if self.region in {"", "us-east-1"} else {"CreateBucketConfiguration": {"LocationConstraint": self.region}}
        try:
            self.client.create_bucket(Bucket=self.bucket, **placement)
        except ClientError as error:
            if _code(error) != "BucketAlreadyOwnedByYou":
                raise
