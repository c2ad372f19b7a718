"""Operator commands: `python -m partnerskap.cli prepare` migrates, creates the first admin and demo content."""

from __future__ import annotations

import argparse
import inspect
import os
import secrets
import sys

from partnerskap import settings as config
from partnerskap.migrations import migrate
from partnerskap.services import demo, push


def first_admin() -> None:
    """Create the first administrator once; say where the credentials are."""
    email = os.environ.get("PARTNERSKAP_ADMIN_EMAIL", "admin@example.org")
    password = os.environ.get("PARTNERSKAP_ADMIN_PASSWORD", "")
    name = " ".join(os.environ.get("PARTNERSKAP_ADMIN_NAME", "").split())[:120] or "Administrator"
    credentials_file = config.settings.data_dir / "first-admin.txt"
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    if demo.create_first_admin(email=email, password=password, name=name):
        if generated:
            credentials_file.write_text(f"e-mail: {email}\npassword: {password}\n")
            credentials_file.chmod(0o600)
            print(f"First administrator: {email} (password written to {credentials_file})")
        else:
            print(f"First administrator: {email} (password from PARTNERSKAP_ADMIN_PASSWORD)")
    elif credentials_file.exists():
        print(f"First administrator's credentials: {credentials_file}")


def prepare() -> None:
    """Everything an instance needs before it serves: schema, push keys, first admin, demo content."""
    config.settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    migrate()
    if push.ensure_keys():
        print(f"Push notification keys: {config.settings.data_dir / push.KEY_FILE} (back it up with the secret key)")
    first_admin()
    if os.environ.get("PARTNERSKAP_DEMO", "1") not in {"0", "false", "no"}:
        demo.seed()
    from partnerskap.services import search

    if not search.index_is_current():  # a new instance, an upgraded one, or a host that gained or lost Voikko
        reindex()


def reindex() -> None:
    """Rebuild the search index from the database (after a restore, or when search misses what it should find)."""
    from partnerskap.services import search

    print(f"indexed {search.reindex()} search entr(y/ies)")


def main() -> None:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="partnerskap")
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("path", nargs="?", help="the backup file, for backup and restore")
    arguments = parser.parse_args()
    run = COMMANDS[arguments.command]
    if bool(inspect.signature(run).parameters) != (arguments.path is not None):
        parser.error(f"{arguments.command} {'needs a' if arguments.path is None else 'takes no'} PATH")
    if arguments.path is None:
        run()
    else:
        run(arguments.path)


def deliver_mail() -> None:
    """Send the outbox through SMTP once."""
    from partnerskap.services import mail

    print(f"sent {mail.deliver_pending()} message(s)")


def purge() -> None:
    """Delete for good the documents in the trash longer than PARTNERSKAP_TRASH_DAYS, and stale unfinished uploads."""
    from datetime import timedelta

    from partnerskap.services import documents
    from partnerskap.storage import get_storage

    print(f"purged {documents.purge_trash()} document(s) from the trash")
    print(f"aborted {get_storage().abort_stale(timedelta(hours=1))} stale upload(s)")


def reconcile() -> None:
    """List database rows without objects, objects without rows and stale uploads; exit 1 if any."""
    import json

    from partnerskap.services import documents

    report = documents.reconcile()
    print(json.dumps(report, indent=2))
    if any(report.values()):
        raise SystemExit(1)


def backup(path: str) -> None:
    """Write one backup file (a zip): every table, the schema revision and every stored document, with checksums."""
    from partnerskap.ops import backup as backups

    try:
        summary = backups.create(path)
    except backups.BackupError as error:
        raise SystemExit(str(error)) from error
    print(f"backed up {summary.rows} row(s) at schema revision {summary.revision} and {summary.objects} document object(s) to {path}")
    if summary.missing_objects:
        print(f"missing from storage (run reconcile): {', '.join(summary.missing_objects)}", file=sys.stderr)


def restore(path: str) -> None:
    """Restore a backup file into this instance, which must be empty; its database is migrated first."""
    from partnerskap.ops import backup as backups

    try:
        summary = backups.restore(path)
    except backups.BackupError as error:
        raise SystemExit(str(error)) from error
    print(f"restored {summary.rows} row(s) at schema revision {summary.revision} and {summary.objects} document object(s) from {path}")
    reindex()  # backups leave the search index out: it is built from what was restored
    if summary.missing_objects:
        print(f"these objects were already missing when the backup was made: {', '.join(summary.missing_objects)}", file=sys.stderr)


COMMANDS = {
    "prepare": prepare,
    "migrate": migrate,
    "deliver-mail": deliver_mail,
    "purge": purge,
    "reconcile": reconcile,
    "backup": backup,
    "restore": restore,
    "reindex": reindex,
}


if __name__ == "__main__":
    main()
