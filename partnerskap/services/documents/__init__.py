"""Workspace libraries: uploads checked while they stream, folders, versions, trash, authorised downloads, export."""

from partnerskap.services.documents._common import DOCUMENT_MISSING, FOLDER_MISSING, LICENCES, NAME_MAX, STORAGE_FAILED, VERSION_MISSING, Entry, clean_name, used_bytes
from partnerskap.services.documents.changes import DetailsChange, delete_document, restore_document, update_document
from partnerskap.services.documents.downloads import Download, authorise_download, download_log
from partnerskap.services.documents.export import export_zip, zip_stream
from partnerskap.services.documents.library import Library, create_folder, delete_folder, library, move_folder, recent, recent_in, rename_folder
from partnerskap.services.documents.maintenance import delete_objects, purge, purge_trash, reconcile
from partnerskap.services.documents.upload import UPLOAD_FRAMING_BYTES, UPLOAD_TOO_LARGE, IncomingFile, accept_upload_terms, refuse_oversized_upload
from partnerskap.services.documents.versions import delete_version, restore_version, versions

__all__ = [
    "DOCUMENT_MISSING",
    "FOLDER_MISSING",
    "LICENCES",
    "NAME_MAX",
    "STORAGE_FAILED",
    "UPLOAD_FRAMING_BYTES",
    "UPLOAD_TOO_LARGE",
    "VERSION_MISSING",
    "DetailsChange",
    "Download",
    "Entry",
    "IncomingFile",
    "Library",
    "accept_upload_terms",
    "authorise_download",
    "clean_name",
    "create_folder",
    "delete_document",
    "delete_folder",
    "delete_objects",
    "delete_version",
    "download_log",
    "export_zip",
    "library",
    "move_folder",
    "purge",
    "purge_trash",
    "recent",
    "recent_in",
    "reconcile",
    "refuse_oversized_upload",
    "rename_folder",
    "restore_document",
    "restore_version",
    "update_document",
    "used_bytes",
    "versions",
    "zip_stream",
]
