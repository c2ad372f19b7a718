"""A workspace's library: folders, documents with rights, uploads with progress, versions and trash."""

import reflex as rx

from partnerskap.components.forms import choice, field, labelled_upload, native_select, submit
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.layout import page
from partnerskap.components.links import route_link
from partnerskap.i18n import N_
from partnerskap.components.report import report_control
from partnerskap.components.table import data_table, row_cell
from partnerskap.schemas import DocumentPublic, FolderPublic, VersionPublic
from partnerskap.state.library import LibraryState

UPLOAD_ID = "library-upload"
LICENCE_LABELS = {
    "all-rights-reserved": N_("All rights reserved"),
    "cc-by-4.0": N_("Creative Commons Attribution 4.0 (CC BY)"),
    "cc-by-sa-4.0": N_("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA)"),
    "cc-by-nc-4.0": N_("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC)"),
    "cc-by-nc-sa-4.0": N_("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 (CC BY-NC-SA)"),
    "cc-by-nd-4.0": N_("Creative Commons Attribution-NoDerivatives 4.0 (CC BY-ND)"),
    "cc0-1.0": N_("Public domain dedication (CC0)"),
}
SORT_LABELS = {"name": N_("Name"), "size": N_("Size"), "type": N_("Type"), "date": N_("Date"), "uploader": N_("Uploader")}


def download_url(document: DocumentPublic, inline: bool = False) -> rx.Var:
    """The authorised download route of a document's newest version."""
    return "/documents/" + document.id.to(str) + "/download" + ("?inline=1" if inline else "")


def folder_choice(label: str, element_id: str, name: str, current: rx.Var) -> rx.Component:
    """A select of every folder of the workspace (and the top level)."""
    return rx.box(
        rx.el.label(T(label), html_for=element_id, class_name="field-label"),
        native_select(
            rx.el.option(T("Top level"), value="0"),
            rx.foreach(LibraryState.all_folders, lambda folder: rx.el.option(folder.name, value=folder.id.to(str))),
            id=element_id,
            name=name,
            value=current.to(str),
        ),
        width="100%",
    )


def folder_editor(folder: FolderPublic) -> rx.Component:
    """Rename a folder or move it under another."""
    return rx.form(
        rx.hstack(
            field("Name", "name", form="edit-folder", max_length=120, default_value=folder.name),
            folder_choice("Move into", "edit-folder-parent", "parent_id", LibraryState.folder_id),
            submit("Save"),
            align="end",
            wrap="wrap",
        ),
        on_submit=LibraryState.save_folder,
        aria_label=T("Rename or move the folder"),
        width="100%",
    )


def folder_link(folder: FolderPublic) -> rx.Component:
    """A folder to open, with its actions."""
    return rx.vstack(
        rx.hstack(
            rx.icon("folder", aria_hidden="true"),
            rx.link(folder.name, href="/workspaces/" + LibraryState.workspace_id.to(str) + "/documents?folder=" + folder.id.to(str)),
            rx.cond(
                folder.can_change,
                rx.hstack(
                    rx.button(T("Rename or move"), on_click=LibraryState.edit_folder(folder.id), size="1", variant="ghost"),
                    rx.button(T("Delete"), on_click=LibraryState.delete_folder(folder.id), size="1", variant="ghost", aria_label=T("Delete the empty folder")),
                ),
            ),
            align="center",
        ),
        rx.cond(LibraryState.editing_folder == folder.id, folder_editor(folder)),
        width="100%",
    )


def document_row(document: DocumentPublic) -> rx.Component:
    """A document with its size, type, uploader, date, rights and actions."""
    return rx.table.row(
        row_cell(
            "Name",
            rx.hstack(
                rx.cond(document.image, rx.image(src=download_url(document, inline=True), alt="", width="48px", height="48px", object_fit="cover", loading="lazy")),
                rx.vstack(
                    route_link(document.name, href=download_url(document), class_name="document-link"),
                    rx.cond(document.held == "hidden", rx.badge(T("Hidden from members"), color_scheme="gray", class_name="held-marker")),
                    rx.cond(document.held == "pending", rx.badge(T("Waiting for approval"), color_scheme="orange", class_name="held-marker")),
                    rx.cond(document.description != "", rx.text(document.description, size="1")),
                    rx.text(T("Rights"), ": ", document.rights_holder, " · ", T_choice(document.licence, LICENCE_LABELS), size="1", color="var(--gray-11)"),
                    spacing="1",
                ),
                align="center",
            ),
            header=True,
        ),
        row_cell("Size", document.size),
        row_cell("Type", document.content_type),
        row_cell("Uploader", document.uploader),
        row_cell("Date", document.uploaded),
        row_cell(
            "Actions",
            rx.hstack(
                rx.cond(document.inline, route_link(T("View"), href=download_url(document, inline=True), is_external=True)),
                rx.button(T("Versions"), " (", document.versions, ")", on_click=LibraryState.open_versions(document.id), size="1", variant="outline"),
                rx.cond(~document.mine, report_control("document", document.id)),
                wrap="wrap",
            )
        ),
    )


def version_row(version: VersionPublic) -> rx.Component:
    """One version: download, restore, delete."""
    return rx.table.row(
        row_cell("Version", version.number),
        row_cell("Size", version.size),
        row_cell("Uploader", version.uploader),
        row_cell("Date", version.uploaded),
        row_cell(
            "Actions",
            rx.hstack(
                route_link(T("Download"), href="/documents/" + LibraryState.open_document.to(str) + "/download?version=" + version.number.to(str)),
                rx.cond(LibraryState.can_change_document, rx.button(T("Restore"), on_click=LibraryState.restore_version(version.id), size="1", variant="outline")),
                rx.cond(version.can_remove, rx.button(T("Delete"), on_click=LibraryState.delete_version(version.id), size="1", variant="ghost", color_scheme="red")),
                wrap="wrap",
            )
        ),
    )


def versions_panel() -> rx.Component:
    """The open document's versions, its details form (filled in from the document), and deletion."""
    details = LibraryState.details
    return rx.card(
        rx.heading(T("Versions"), as_="h2", size="4"),
        data_table("Versions", ("Version", "Size", "Uploader", "Date", "Actions"), LibraryState.versions, version_row),
        rx.text(T("Uploading a file now adds a new version of this document."), size="2", margin_top="var(--space-2)"),
        rx.cond(
            LibraryState.can_change_document,
            rx.form(
                rx.vstack(
                    rx.heading(T("Document details"), as_="h3", size="3"),
                    field("Name", "name", form="document", max_length=200, default_value=details.name),
                    field("Description", "description", form="document", required=False, max_length=2000, default_value=details.description),
                    field("Copyright holder", "rights_holder", form="document", required=False, max_length=200, default_value=details.rights_holder),
                    choice("Licence for others", "licence", LICENCE_LABELS, value=details.licence, form="document"),
                    folder_choice("Folder", "document-folder", "folder_id", details.folder_id),
                    rx.hstack(submit("Save"), rx.button(T("Move to trash"), on_click=LibraryState.delete_document(LibraryState.open_document), color_scheme="red", variant="soft", type="button")),
                    spacing="3",
                    width="100%",
                ),
                on_submit=LibraryState.save_document,
                aria_label=T("Document details"),
                key=LibraryState.open_document.to(str) + details.name + details.licence + details.rights_holder,
                margin_top="var(--space-3)",
            ),
        ),
        rx.button(T("Close"), on_click=LibraryState.close_versions, variant="outline", margin_top="var(--space-3)"),
        width="100%",
    )


def upload_zone() -> rx.Component:
    """Drop or pick files; they stream to storage with a progress bar. First the rights confirmation."""
    return rx.cond(
        LibraryState.terms_accepted,
        rx.vstack(
            labelled_upload(
                T("Upload files"),
                rx.vstack(
                    rx.text(T("Drop files here, or choose them")),
                    rx.button(T("Choose files"), type="button", variant="outline"),
                    align="center",
                    spacing="2",
                ),
                id=UPLOAD_ID,
                multiple=True,
                border="2px dashed var(--gray-8)",
                padding="1.5em",
                width="100%",
                on_drop=LibraryState.receive(rx.upload_files_chunk(upload_id=UPLOAD_ID, on_upload_progress=LibraryState.upload_progress)),
            ),
            rx.text(T("PDF, images, office documents and plain text."), size="1"),
            rx.cond(
                LibraryState.uploading,
                rx.box(
                    rx.hstack(
                        rx.text(T("Sending"), ": ", rx.el.strong(LibraryState.receiving), size="2", id="upload-name"),
                        rx.button(T("Cancel"), on_click=rx.cancel_upload(UPLOAD_ID), type="button", size="1", variant="outline", color_scheme="red"),
                        align="center",
                        wrap="wrap",
                    ),
                    rx.progress(value=LibraryState.progress, max=100, aria_label=T("Upload progress")),
                    rx.text(LibraryState.progress, " %", size="1"),
                    width="100%",
                ),
            ),
            width="100%",
        ),
        rx.card(
            rx.text(T("You keep the copyright of what you upload and are responsible for it. Upload only material that you have the right to share.")),
            rx.button(T("I hold the rights to what I upload and take responsibility for it"), on_click=LibraryState.accept_terms, margin_top="var(--space-3)"),
        ),
    )


def library() -> rx.Component:
    """The library page."""
    return page(
        "Documents",
        rx.cond(
            LibraryState.found,
            rx.vstack(
                rx.link(T("Back to the workspace"), ": ", LibraryState.workspace_name, href="/workspaces/" + LibraryState.workspace_id.to(str)),
                rx.hstack(
                    rx.link(T("All documents"), href="/workspaces/" + LibraryState.workspace_id.to(str) + "/documents"),
                    rx.foreach(LibraryState.path, lambda folder: rx.hstack(rx.text("/"), rx.link(folder.name, href="/workspaces/" + LibraryState.workspace_id.to(str) + "/documents?folder=" + folder.id.to(str)))),
                    wrap="wrap",
                    aria_label=T("Folder path"),
                ),
                rx.text(T("Storage used"), ": ", LibraryState.used, size="2"),
                rx.vstack(rx.foreach(LibraryState.folders, folder_link), spacing="1"),
                rx.hstack(
                    rx.text(T("Sort by"), size="2"),
                    *[rx.button(T(label), on_click=LibraryState.sort_by(value), size="1", variant=rx.cond(LibraryState.sort == value, "solid", "outline")) for value, label in SORT_LABELS.items()],
                    wrap="wrap",
                    role="group",
                    aria_label=T("Sort by"),
                ),
                rx.cond(
                    LibraryState.documents.length() == 0,
                    rx.text(T("No documents here yet.")),
                    data_table("Documents", ("Name", "Size", "Type", "Uploader", "Date", "Actions"), LibraryState.documents, document_row),
                ),
                rx.cond(LibraryState.open_document != 0, versions_panel()),
                rx.cond(
                    LibraryState.can_contribute,
                    rx.vstack(
                        rx.heading(T("Upload"), as_="h2", size="4"),
                        upload_zone(),
                        rx.form(
                            rx.hstack(field("New folder", "name", form="folder", max_length=120), submit("Create"), align="end"),
                            on_submit=LibraryState.create_folder,
                            reset_on_submit=True,
                            aria_label=T("New folder"),
                        ),
                        width="100%",
                    ),
                ),
                rx.hstack(
                    route_link(T("Download my documents (zip)"), href="/workspaces/" + LibraryState.workspace_id.to(str) + "/export.zip?scope=mine"),
                    rx.cond(LibraryState.can_own, route_link(T("Download the whole library (zip)"), href="/workspaces/" + LibraryState.workspace_id.to(str) + "/export.zip?scope=all")),
                    spacing="5",
                    wrap="wrap",
                ),
                rx.cond(
                    LibraryState.trash.length() > 0,
                    rx.box(
                        rx.heading(T("Trash"), as_="h2", size="4"),
                        rx.foreach(
                            LibraryState.trash,
                            lambda document: rx.hstack(rx.text(document.name), rx.button(T("Restore"), on_click=LibraryState.restore_document(document.id), size="1", variant="outline"), align="center"),
                        ),
                    ),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        context=LibraryState.workspace_name,
        scope=LibraryState.workspace_id,
    )
