"""Documents' text found in the background: each job claimed by one worker, expired claims taken again, hostile files bounded (run on both databases)."""

import asyncio
import contextlib
import dataclasses
import io
import threading
import time
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from partnerskap import jobs, offload
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import DocumentText, ExtractionJob
from partnerskap.models.base import utcnow
from partnerskap.services import documents, extraction, filetypes, search, search_index
from partnerskap.services.search import Query
from partnerskap.storage import get_storage
from tests.conftest import viewer
from tests.sample_files import docx, pdf, pdf_of_many_operations

PHRASE = "yhteinen vuosikello kaikille kunnille"
AFTER_THE_LEASE = extraction.LEASE + timedelta(seconds=1)


@pytest.fixture(autouse=True)
def storage_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents"))


def upload(person, workspace_id: int, name: str, data: bytes):
    """Upload a file as a member does; its text is left for the background."""
    documents.accept_upload_terms(viewer(person))
    incoming = documents.IncomingFile(viewer(person), workspace_id, name)
    incoming.add(data)
    return incoming.finish()


def titles(person, text: str) -> list[str]:
    return [hit.title for hit in search.search(viewer(person), Query(text=text)).hits]


def waiting_jobs() -> list[ExtractionJob]:
    with transaction() as session:
        return list(session.exec(select(ExtractionJob).order_by(ExtractionJob.id)).scalars())


def found_text(version_id: int) -> DocumentText | None:
    with transaction() as session:
        return session.get(DocumentText, version_id)


def document_entries(document_id: int) -> int:
    with transaction() as session:
        entries = search_index.entries
        return session.execute(select(func.count()).select_from(entries).where(entries.c.kind == "document", entries.c.item_id == document_id)).scalar_one()


def zip_bomb_docx(megabytes: int) -> bytes:
    """A Word file whose text part inflates to `megabytes` MB of one paragraph (a few hundred kB packed)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as office:
        office.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        with office.open("word/document.xml", "w") as part:
            part.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            for _ in range(megabytes):
                part.write(b"a" * 1024 * 1024)
    return archive.getvalue()


def test_members_upload_is_saved_with_a_job_and_its_text_is_found_by_search_after_the_job(workspace, owner, member):
    version = upload(member, workspace.id, "vuosikello.pdf", pdf(f"Ehdotus: {PHRASE} vuodelle 2027."))
    assert [job.version_id for job in waiting_jobs()] == [version.id] and found_text(version.id) is None
    assert titles(owner, "vuosikello") == ["vuosikello.pdf"]  # its name at once
    assert titles(owner, f'"{PHRASE}"') == []  # its text not yet
    assert extraction.run_once()
    assert titles(owner, f'"{PHRASE}"') == ["vuosikello.pdf"]
    assert found_text(version.id).state == extraction.State.TEXT and waiting_jobs() == []
    assert not extraction.run_once()


def test_a_job_claimed_by_one_worker_is_not_claimed_by_another(workspace, member):
    upload(member, workspace.id, "ohjeet.docx", docx("Perehdytys"))
    assert extraction.claim() is not None
    assert extraction.claim() is None


def test_workers_claiming_at_once_each_take_different_jobs(workspace, member):
    versions = [upload(member, workspace.id, f"muistio-{n}.txt", f"muistio {n}".encode()) for n in range(4)]
    start, claims, lock = threading.Barrier(6), [], threading.Lock()

    def worker() -> None:
        start.wait()
        while (job := extraction.claim()) is not None:
            with lock:
                claims.append(job)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(job.version_id for job in claims) == [version.id for version in versions]


def test_a_crashed_workers_expired_claim_is_taken_again_and_its_late_finish_is_ignored(workspace, owner, member):
    upload(member, workspace.id, "vuosikello.pdf", pdf(PHRASE))
    now = utcnow()
    crashed = extraction.claim(now)
    assert extraction.claim(now + extraction.LEASE / 2) is None  # a live worker's claim holds
    second = extraction.claim(now + AFTER_THE_LEASE)
    assert second.job_id == crashed.job_id and second.claim != crashed.claim
    assert extraction.finish(second, extraction.read(second))
    assert not extraction.finish(crashed, (extraction.State.TEXT, "vanha teksti"))
    assert titles(owner, f'"{PHRASE}"') == ["vuosikello.pdf"] and titles(owner, "vanha teksti") == []


def test_a_job_whose_file_cannot_be_read_is_retried_after_its_lease_then_given_up_and_kept(workspace, owner, member):
    version = upload(member, workspace.id, "kadonnut.pdf", pdf(PHRASE))
    get_storage().delete(version.storage_key)
    now = utcnow()
    for attempt in range(extraction.ATTEMPTS):
        assert extraction.run_once(now + attempt * AFTER_THE_LEASE)
        [job] = waiting_jobs()
        assert job.attempts == attempt + 1 and "NotFound" in job.error and job.failed_at is None
        assert not extraction.run_once(now + attempt * AFTER_THE_LEASE)  # not again before the lease ends
    assert not extraction.run_once(now + extraction.ATTEMPTS * AFTER_THE_LEASE)
    [job] = waiting_jobs()
    assert job.failed_at is not None and "NotFound" in job.error  # kept, with why
    assert found_text(version.id).state == extraction.State.FAILED
    assert titles(owner, "kadonnut") == ["kadonnut.pdf"]


def test_a_zip_bomb_that_passed_the_upload_is_read_only_to_its_bound_and_marked_failed_without_stalling_the_queue(workspace, owner, member, monkeypatch):
    monkeypatch.setattr(filetypes, "is_zip_bomb", lambda *_: False)  # as if the upload's own check had missed it
    bomb = upload(member, workspace.id, "pommi.docx", zip_bomb_docx(2 * extraction.XML_READ // (1024 * 1024)))
    good = upload(member, workspace.id, "ohjeet.docx", docx("Perehdytys uusille vapaaehtoisille"))
    started = time.monotonic()
    assert extraction.run_once() and extraction.run_once()
    assert time.monotonic() - started < extraction.SECONDS  # bounded by bytes read, far within the time bound
    assert found_text(bomb.id).state == extraction.State.FAILED and found_text(good.id).state == extraction.State.TEXT
    assert titles(owner, "vapaaehtoisille perehdytys") == ["ohjeet.docx"] and waiting_jobs() == []


def test_a_pdf_that_reads_past_the_time_bound_is_marked_failed_and_the_next_job_runs(workspace, owner, member, monkeypatch):
    slow = upload(member, workspace.id, "hidas.pdf", pdf(PHRASE))
    good = upload(member, workspace.id, "muistio.txt", "Kokousmuistio syksyltä".encode())
    monkeypatch.setattr(extraction, "SECONDS", 0.0)  # every page is past the deadline: as a page that takes too long
    assert extraction.run_once() and extraction.run_once()
    assert found_text(slow.id).state == extraction.State.FAILED and found_text(good.id).state == extraction.State.TEXT
    assert titles(owner, f'"{PHRASE}"') == [] and titles(owner, "kokousmuistio") == ["muistio.txt"]


def test_a_pdf_whose_one_page_reads_for_minutes_is_stopped_at_the_time_bound_and_the_next_job_runs(workspace, owner, member, monkeypatch):
    hostile = upload(member, workspace.id, "hidas-sivu.pdf", pdf_of_many_operations(1_000_000))  # about 23 s to read
    good = upload(member, workspace.id, "muistio.txt", "Kokousmuistio syksyltä".encode())
    monkeypatch.setattr(extraction, "SECONDS", 1.0)  # the page-by-page check never comes: the one page is the whole time
    started = time.monotonic()
    assert extraction.run_once()
    assert time.monotonic() - started < extraction.SECONDS + extraction.GRACE + 3  # killed, not waited for
    assert extraction.run_once()
    assert found_text(hostile.id).state == extraction.State.FAILED and found_text(good.id).state == extraction.State.TEXT
    assert titles(owner, "kokousmuistio") == ["muistio.txt"] and waiting_jobs() == []


def test_reading_that_needs_more_than_the_memory_bound_fails_instead_of_taking_the_hosts_memory(monkeypatch):
    notes = "Kokousmuistio. ".encode() * 500_000  # 7.5 MB of text: decoding it needs as much again
    assert extraction.extract_bounded(notes, "text/plain")[0] == extraction.State.TEXT
    monkeypatch.setattr(extraction, "MEMORY", 16 * 1024 * 1024)  # less than the reading child's own interpreter takes
    assert extraction.extract_bounded(notes, "text/plain") == (extraction.State.FAILED, "")


def test_a_document_trashed_before_its_job_leaves_nothing_in_the_index_until_it_is_restored(workspace, owner, member):
    version = upload(member, workspace.id, "vanha.pdf", pdf(PHRASE))
    documents.delete_document(viewer(member), version.document_id)
    assert extraction.run_once()
    assert document_entries(version.document_id) == 0 and titles(owner, f'"{PHRASE}"') == []
    documents.restore_document(viewer(owner), version.document_id)
    assert titles(owner, f'"{PHRASE}"') == ["vanha.pdf"]


def test_a_document_deleted_for_good_before_its_job_leaves_no_job_and_nothing_in_the_index(workspace, owner, member):
    version = upload(member, workspace.id, "vanha.pdf", pdf(PHRASE))
    documents.delete_document(viewer(member), version.document_id)
    assert documents.purge_trash(days=0) == 1
    assert waiting_jobs() == [] and not extraction.run_once()
    assert document_entries(version.document_id) == 0


def test_a_deleted_versions_job_goes_with_it(workspace, owner, member):
    first = upload(member, workspace.id, "vuosikello.pdf", pdf("Ensimmäinen luonnos"))
    second = upload(member, workspace.id, "vuosikello.pdf", pdf(PHRASE))
    documents.delete_version(viewer(member), second.id)
    assert [job.version_id for job in waiting_jobs()] == [first.id]


def test_a_restored_version_not_yet_read_gets_its_own_job(workspace, owner, member):
    first = upload(member, workspace.id, "vuosikello.pdf", pdf(PHRASE))
    upload(member, workspace.id, "vuosikello.pdf", pdf("Toinen luonnos"))
    restored = documents.restore_version(viewer(member), first.id)
    while extraction.run_once():
        pass
    assert found_text(restored.id).state == extraction.State.TEXT and titles(owner, f'"{PHRASE}"') == ["vuosikello.pdf"]


def test_reindex_rebuilds_document_text_and_queues_the_versions_never_read(workspace, owner, member, capsys):
    from partnerskap import cli

    read = upload(member, workspace.id, "vuosikello.pdf", pdf(PHRASE))
    assert extraction.run_once()
    unread = upload(member, workspace.id, "ohjeet.docx", docx("Perehdytys uusille vapaaehtoisille"))
    with transaction() as session:  # as an instance restored from a backup made before its job ran
        session.execute(search_index.entries.delete())
        session.execute(ExtractionJob.__table__.delete())
    cli.COMMANDS["reindex"]()
    assert "queued 1 document version" in capsys.readouterr().out
    assert titles(owner, f'"{PHRASE}"') == ["vuosikello.pdf"] and found_text(read.id).state == extraction.State.TEXT
    assert [job.version_id for job in waiting_jobs()] == [unread.id]
    assert extraction.run_once()
    assert titles(owner, "vapaaehtoisille perehdytys") == ["ohjeet.docx"]


def test_the_workers_loop_makes_an_upload_searchable_within_moments(workspace, owner, member):
    """The lag from the upload's commit to its text being found, with the loop each worker runs (measured: bench/extraction.py)."""

    async def upload_then_search() -> float:
        loop = asyncio.create_task(jobs.extract_texts())
        try:
            await offload.write(upload, member, workspace.id, "vuosikello.pdf", pdf(PHRASE))
            committed = time.monotonic()
            while not await offload.read(titles, owner, f'"{PHRASE}"'):
                assert time.monotonic() - committed < 60, "the loop never found the text"
                await asyncio.sleep(0.05)
            return time.monotonic() - committed
        finally:
            loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop

    lag = asyncio.run(upload_then_search())
    print(f"searchable {lag:.2f} s after the upload's commit")
