"""The storage interface, proven on both backends: a local folder and SeaweedFS over HTTP; faults through moto and a full disk."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from botocore.exceptions import ClientError

from partnerskap import settings as config
from partnerskap.storage import PROBE_BYTES, NotFound, Storage, StorageError, StorageFull, content_disposition, get_storage, probe
from partnerskap.storage.local import LocalStorage
from partnerskap.storage.s3 import PART_SIZE, S3Storage
from tests import s3_server

MIB = 1024 * 1024
KEY = "workspaces/7/3f2a9c"
NOW = timedelta(0)


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[s3_server.SeaweedFS]:
    """One SeaweedFS for the run; every test gets its own bucket."""
    with s3_server.seaweedfs() as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Each backend in turn: a folder of its own, or a bucket of its own on SeaweedFS."""
    if request.param == "local":
        return LocalStorage(tmp_path / "documents")
    return request.getfixturevalue("seaweedfs").storage(f"test-{uuid.uuid4().hex[:16]}")


def chunks(total: int, size: int = MIB) -> Iterator[bytes]:
    """Random bytes, produced a chunk at a time."""
    for start in range(0, total, size):
        yield os.urandom(min(size, total - start))


def store(storage: Storage, key: str, data: bytes) -> None:
    """Put a small object."""
    upload = storage.begin(key)
    upload.write(data)
    upload.complete()


def test_20_mib_round_trip_streams_in_bounded_memory(storage: Storage):
    sent, received = hashlib.sha256(), hashlib.sha256()
    tracemalloc.start()
    try:
        upload = storage.begin(KEY)
        for chunk in chunks(20 * MIB):
            sent.update(chunk)
            upload.write(chunk)
        upload.complete()
        for chunk in storage.open(KEY):
            assert len(chunk) <= MIB
            received.update(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received.hexdigest() == sent.hexdigest()
    assert storage.size(KEY) == 20 * MIB
    assert peak < PART_SIZE + 4 * MIB, f"peak {peak / MIB:.1f} MiB: more than one part was held"


def test_object_is_invisible_until_complete(storage: Storage):
    upload = storage.begin(KEY)
    for chunk in chunks(PART_SIZE + MIB):  # past one part, so S3 has a multipart upload under way
        upload.write(chunk)
    assert not storage.exists(KEY)
    assert list(storage.keys()) == []
    with pytest.raises(NotFound):
        list(storage.open(KEY))
    upload.complete()
    assert storage.exists(KEY)
    assert list(storage.keys()) == [KEY]
    assert storage.size(KEY) == PART_SIZE + MIB


def test_small_object_round_trip(storage: Storage):
    store(storage, KEY, b"hello")
    assert b"".join(storage.open(KEY, chunk_size=2)) == b"hello"
    assert storage.size(KEY) == 5


def test_abort_leaves_nothing(storage: Storage):
    upload = storage.begin(KEY)
    for chunk in chunks(PART_SIZE + MIB):
        upload.write(chunk)
    upload.abort()
    upload.abort()
    assert not storage.exists(KEY)
    assert list(storage.keys()) == []
    assert storage.stale_uploads(NOW) == []
    with pytest.raises(StorageError):
        upload.write(b"more")


def test_abort_after_complete_keeps_the_object(storage: Storage):
    upload = storage.begin(KEY)
    upload.write(b"kept")
    upload.complete()
    upload.abort()
    assert b"".join(storage.open(KEY)) == b"kept"


def test_complete_replaces_an_existing_object(storage: Storage):
    store(storage, KEY, b"first")
    store(storage, KEY, b"second")
    assert b"".join(storage.open(KEY)) == b"second"


def test_delete_is_idempotent(storage: Storage):
    store(storage, KEY, b"gone soon")
    storage.delete(KEY)
    storage.delete(KEY)
    assert not storage.exists(KEY)
    with pytest.raises(NotFound):
        storage.size(KEY)


def test_keys_lists_what_starts_with_the_prefix(storage: Storage):
    for key in ["workspaces/1/a", "workspaces/1/b", "workspaces/12/c", "workspaces/2/d", "other"]:
        store(storage, key, b"x")
    assert sorted(storage.keys("workspaces/1/")) == ["workspaces/1/a", "workspaces/1/b"]
    assert sorted(storage.keys("workspaces/1")) == ["workspaces/1/a", "workspaces/1/b", "workspaces/12/c"]
    assert sorted(storage.keys("nothing/")) == []
    assert len(list(storage.keys())) == 5


def test_stale_uploads_are_listed_and_aborted(storage: Storage):
    upload = storage.begin(KEY)
    for chunk in chunks(PART_SIZE):
        upload.write(chunk)
    assert storage.stale_uploads(timedelta(hours=1)) == []
    assert storage.stale_uploads(NOW) == [KEY]
    assert storage.abort_stale(NOW) == 1
    assert storage.stale_uploads(NOW) == []
    with pytest.raises(StorageError):
        upload.complete()
    upload.abort()
    assert not storage.exists(KEY)


def test_check_passes(storage: Storage):
    storage.check()


def test_probe_writes_bytes_reads_them_back_and_leaves_nothing(storage: Storage):
    probe(storage)
    assert list(storage.keys()) == []


def test_probe_on_a_full_disk_raises_storage_full_and_leaves_nothing(full_disk: Path):
    storage = LocalStorage(full_disk / "documents")
    storage.check()  # an empty file still fits: the old check passed on a full disk
    with pytest.raises(StorageFull):
        probe(storage)
    assert list(storage.keys()) == [] and list(storage.incoming.iterdir()) == []


def test_a_full_s3_store_raises_storage_full(monkeypatch: pytest.MonkeyPatch):
    with s3_server.moto() as server:
        storage = server.storage("full")

        def no_room(**_request):
            raise ClientError({"Error": {"Code": "XMinioStorageFull", "Message": "Storage backend has reached its minimum free drive threshold."}}, "PutObject")

        monkeypatch.setattr(storage.client, "put_object", no_room)
        with pytest.raises(StorageFull):
            probe(storage)


def test_probe_refuses_a_store_that_gives_back_other_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setattr(storage, "open", lambda key: iter([b"\0" * PROBE_BYTES]))
    with pytest.raises(StorageError, match="other bytes"):
        probe(storage)
    assert list(storage.keys()) == []


@pytest.mark.parametrize("key", ["../etc/passwd", "a/../b", "a/..", "/absolute", "a//b", "a/", "", ".incoming/x", "a/.hidden", "a b", "å", "a\\b", "x" * 201])
def test_keys_that_could_escape_are_refused(storage: Storage, key: str):
    for call in (storage.begin, storage.open, storage.size, storage.exists, storage.delete):
        with pytest.raises(ValueError):
            call(key)
    with pytest.raises(ValueError):
        storage.presigned_url(key, "name.pdf", "application/pdf")
    with pytest.raises(ValueError):
        storage.keys(f"{key}/x")


def test_local_check_fails_when_the_folder_cannot_be_made(tmp_path: Path):
    (tmp_path / "mount").write_text("not a folder")
    with pytest.raises(StorageError):
        LocalStorage(tmp_path / "mount" / "documents").check()


def test_s3_check_fails_once_the_server_is_stopped():
    with s3_server.seaweedfs() as server:
        storage = server.storage("health")
        storage.check()
        server.stop()
        with pytest.raises(StorageError):
            storage.check()


def test_s3_server_stopped_mid_upload_raises_storage_error():
    with s3_server.moto() as server:
        storage = server.storage("faults")
        upload = storage.begin(KEY)
        for chunk in chunks(PART_SIZE + MIB):
            upload.write(chunk)
        server.stop()
        with pytest.raises(StorageError):
            for chunk in chunks(PART_SIZE):
                upload.write(chunk)
        with pytest.raises(StorageError):
            upload.complete()
        server.start()
        assert storage.stale_uploads(NOW) == [KEY]
        upload.abort()
        assert storage.stale_uploads(NOW) == []
        assert not storage.exists(KEY)


def test_s3_abort_while_the_server_is_down_is_quiet_and_abort_stale_cleans_up():
    with s3_server.moto() as server:
        storage = server.storage("abort-later")
        upload = storage.begin(KEY)
        for chunk in chunks(PART_SIZE):
            upload.write(chunk)
        server.stop()
        upload.abort()
        server.start()
        assert storage.stale_uploads(NOW) == [KEY]
        assert storage.abort_stale(NOW) == 1
        assert storage.stale_uploads(NOW) == []


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_local_disk_full_raises_storage_error_and_abort_removes_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str):
    storage = LocalStorage(tmp_path)
    upload = storage.begin(KEY)
    upload.write(b"first bytes fit")

    def disk_full(*_args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, call, disk_full)
    with pytest.raises(StorageFull, match="No space left"):
        upload.write(b"these do not")
        upload.complete()
    monkeypatch.undo()
    upload.abort()
    assert list((tmp_path / ".incoming").iterdir()) == []
    assert not storage.exists(KEY)


def test_missing_object_is_not_found(storage: Storage):
    with pytest.raises(NotFound):
        list(storage.open("workspaces/7/missing"))
    with pytest.raises(NotFound):
        storage.size("workspaces/7/missing")
    assert not storage.exists("workspaces/7/missing")


def test_presigned_url_downloads_under_the_file_name(seaweedfs: s3_server.SeaweedFS):
    storage = seaweedfs.storage("presigned")
    store(storage, KEY, b"%PDF-1.7 report")
    url = storage.presigned_url(KEY, 'Årsrapport "2025".pdf', "application/pdf", seconds=60)
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.7 report"
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == content_disposition("attachment", 'Årsrapport "2025".pdf')


def test_local_has_no_presigned_urls(tmp_path: Path):
    assert LocalStorage(tmp_path).presigned_url(KEY, "a.pdf", "application/pdf") is None


def test_content_disposition_has_an_ascii_fallback_and_the_exact_name():
    assert content_disposition("attachment", 'Årsrapport "2025" 100%.pdf') == (
        "attachment; filename=\"_rsrapport _2025_ 100_.pdf\"; filename*=UTF-8''%C3%85rsrapport%20%222025%22%20100%25.pdf"
    )


def test_get_storage_follows_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path))
    local = get_storage()
    assert isinstance(local, LocalStorage) and local.root == tmp_path
    assert get_storage() is local
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="s3", s3_endpoint_url="http://127.0.0.1:9", s3_bucket="documents"))
    remote = get_storage()
    assert isinstance(remote, S3Storage) and remote.bucket == "documents"
    assert get_storage() is remote
