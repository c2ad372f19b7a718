"""Backups: one zip holding every table as JSON lines, the schema revision and every stored document, with checksums."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Date, DateTime, LargeBinary, Numeric, Table, Time, TypeDecorator, bindparam, func, insert, inspect, select, text, update
from sqlmodel import SQLModel

import partnerskap.models  # noqa: F401  (registers every table with the metadata)
from partnerskap.migrations import alembic_config, migrate
from partnerskap.db import engine
from partnerskap.models import DocumentVersion
from partnerskap.storage import NotFound, Storage, get_storage, validate_key

FORMAT = "partnerskap-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
BATCH = 500


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why."""


@dataclasses.dataclass(frozen=True)
class Summary:
    """What a backup or a restore covered."""

    revision: str
    rows: int
    objects: int
    missing_objects: list[str]


def create(path: Path | str) -> Summary:
    """Write one backup file: a snapshot of the database, then the objects its document versions name."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds personal data and password hashes
    try:
        with os.fdopen(fd, "wb") as file, zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            with _snapshot() as connection:
                revision = _revision(connection)
                tables = [_dump_table(archive, connection, table) for table in SQLModel.metadata.sorted_tables]
                keys = list(connection.scalars(select(DocumentVersion.storage_key).order_by(DocumentVersion.storage_key)))
            storage = get_storage()
            objects, missing = [], []
            for key in keys:
                if (entry := _dump_object(archive, storage, key)) is None:
                    missing.append(key)
                else:
                    objects.append(entry)
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "alembic_revision": revision,
                "source_database": engine().dialect.name,
                "tables": tables,
                "objects": objects,
                "missing_objects": missing,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary(revision=revision, rows=sum(table["rows"] for table in tables), objects=len(objects), missing_objects=missing)


def restore(path: Path | str) -> Summary:
    """Restore a backup into an empty instance: migrate, write the objects back (checked), then insert every row."""
    with zipfile.ZipFile(path) as archive:
        manifest = _manifest(archive)
        revision = manifest["alembic_revision"]
        if revision != _head():
            raise BackupError(f"The backup is of schema revision {revision}, this version of Partnerskap is at {_head()}; restore it with the version that made it, then upgrade.")
        _require_empty()
        migrate()
        storage = get_storage()
        written: list[str] = []
        try:
            for entry in manifest["objects"]:
                if _restore_object(archive, storage, entry):
                    written.append(entry["key"])
            rows = _restore_database(archive, manifest["tables"])
        except BaseException:
            for key in written:
                with contextlib.suppress(Exception):
                    storage.delete(key)
            raise
    return Summary(revision=revision, rows=rows, objects=len(manifest["objects"]), missing_objects=list(manifest["missing_objects"]))


@contextlib.contextmanager
def _snapshot() -> Iterator[Connection]:
    """One read-only transaction: every table is read as it was at the same moment, while writers carry on."""
    with engine().connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        elif connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")  # the driver would otherwise read each table in its own transaction
        try:
            yield connection
        finally:
            connection.rollback()


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _revision(connection: Connection) -> str:
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision != _head():
        raise BackupError(f"The database is at schema revision {revision}, not {_head()}; run `python -m partnerskap.cli migrate` first.")
    return revision


def _dump_table(archive: zipfile.ZipFile, connection: Connection, table: Table) -> dict[str, Any]:
    name = f"database/{table.name}.jsonl"
    digest = hashlib.sha256()
    rows = 0
    query = select(table).order_by(*table.primary_key.columns)
    with archive.open(_member(name, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as member:
        for row in connection.execute(query.execution_options(yield_per=BATCH)).mappings():
            line = (json.dumps({column: _encode(value) for column, value in row.items()}, ensure_ascii=False) + "\n").encode()
            digest.update(line)
            member.write(line)
            rows += 1
    return {"name": table.name, "file": name, "columns": [column.name for column in table.columns], "rows": rows, "sha256": digest.hexdigest()}


def _dump_object(archive: zipfile.ZipFile, storage: Storage, key: str) -> dict[str, Any] | None:
    """Stream one object into the archive; None when it is no longer stored (a purge ran after the snapshot)."""
    chunks = storage.open(key, CHUNK)
    try:
        first = next(chunks, b"")
    except NotFound:
        return None
    name = f"objects/{key}"
    digest = hashlib.sha256()
    size = 0
    with archive.open(_member(name, zipfile.ZIP_STORED), "w", force_zip64=True) as member:  # documents are mostly compressed already
        for chunk in _chain(first, chunks):
            digest.update(chunk)
            size += len(chunk)
            member.write(chunk)
    return {"key": key, "file": name, "size": size, "sha256": digest.hexdigest()}


def _member(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
    info.compress_type = compression
    info.external_attr = 0o600 << 16
    return info


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _encode(value: Any) -> Any:
    """A JSON value that gives back the same Python value for the column's type (see _decoder)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()  # an aware datetime keeps its offset
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decoder(column) -> Any:
    kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Time):
        return time.fromisoformat
    if isinstance(kind, LargeBinary):
        return base64.b64decode
    if isinstance(kind, Numeric) and kind.asdecimal:
        return Decimal
    return None


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError("This is not a Partnerskap backup (it has no readable manifest).") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"This backup's format ({manifest.get('format')} {manifest.get('version')}) is not one this version can restore.")
    return manifest


# Tables a migration fills with reference data (the lists profiles choose from): a restore replaces their rows.
SEEDED_BY_MIGRATIONS = frozenset({"listentry"})


def _require_empty() -> None:
    """Refuse unless every table of this version is missing or empty (restoring never merges); reference data the
    migrations seed does not count, the backup's own replaces it."""
    with engine().connect() as connection:
        existing = set(inspect(connection).get_table_names())
        filled = {
            table.name: count
            for table in SQLModel.metadata.sorted_tables
            if table.name in existing and table.name not in SEEDED_BY_MIGRATIONS and (count := connection.scalar(select(func.count()).select_from(table)))
        }
    if filled:
        listed = ", ".join(f"{name}: {count}" for name, count in filled.items())
        raise BackupError(f"The database already holds data ({listed} rows); restore only into an empty instance.")


def _restore_object(archive: zipfile.ZipFile, storage: Storage, entry: dict[str, Any]) -> bool:
    """Write one object through the storage interface, made visible only once its checksum matches; False when already stored."""
    key = validate_key(entry["key"])
    if storage.exists(key):
        stored = hashlib.sha256()
        for chunk in storage.open(key, CHUNK):
            stored.update(chunk)
        if stored.hexdigest() != entry["sha256"]:
            raise BackupError(f"The storage already holds {key} with other content.")
        return False
    digest = hashlib.sha256()
    upload = storage.begin(key)
    try:
        with archive.open(entry["file"]) as member:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                upload.write(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"The backup's copy of {key} is damaged (its checksum does not match).")
        upload.complete()
    except BaseException:
        upload.abort()
        raise
    return True


def _restore_database(archive: zipfile.ZipFile, listed: list[dict[str, Any]]) -> int:
    """Insert every table's rows in dependency order, in one transaction."""
    entries = {entry["name"]: entry for entry in listed}
    tables = SQLModel.metadata.sorted_tables
    if set(entries) != {table.name for table in tables}:
        raise BackupError("The backup's tables are not this version's tables.")
    rows = 0
    with engine().begin() as connection:
        for table in tables:
            if table.name in SEEDED_BY_MIGRATIONS:
                connection.execute(table.delete())
            rows += _restore_table(connection, archive, table, entries[table.name])
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, tables)
    return rows


def _restore_table(connection: Connection, archive: zipfile.ZipFile, table: Table, entry: dict[str, Any]) -> int:
    if entry["columns"] != [column.name for column in table.columns]:
        raise BackupError(f"The backup's columns of {table.name} are not this version's.")
    decoders = {column.name: decoder for column in table.columns if (decoder := _decoder(column)) is not None}
    # A row may point at a later row of its own table (a folder moved into a newer one): insert those links afterwards.
    later = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    links: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    digest = hashlib.sha256()
    count = 0
    with archive.open(entry["file"]) as member:
        for line in member:
            digest.update(line)
            row = json.loads(line)
            for name, decode in decoders.items():
                if row[name] is not None:
                    row[name] = decode(row[name])
            if later and any(row[name] is not None for name in later):
                links.append({"_key": row[_primary_key(table).name], **{f"_{name}": row[name] for name in later}})
                row.update(dict.fromkeys(later))
            batch.append(row)
            count += 1
            if len(batch) >= BATCH:
                connection.execute(insert(table), batch)
                batch = []
    if batch:
        connection.execute(insert(table), batch)
    if digest.hexdigest() != entry["sha256"] or count != entry["rows"]:
        raise BackupError(f"The backup's copy of {table.name} is damaged (its checksum does not match).")
    if links:
        key = _primary_key(table)
        statement = update(table).where(key == bindparam("_key")).values({name: bindparam(f"_{name}") for name in later})
        connection.execute(statement, links)
    return count


def _primary_key(table: Table):
    (column,) = table.primary_key.columns
    return column


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Point each serial id's sequence past the restored rows, so new rows get fresh ids."""
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        key = quote(column.name)
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({key}), 1), MAX({key}) IS NOT NULL) FROM {quote(table.name)}"),
            {"table": quote(table.name), "column": column.name},
        )
