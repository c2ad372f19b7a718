"""A discussion thread: posts, the reply box, and the live update."""

import reflex as rx

from partnerskap.components.avatar import avatar
from partnerskap.components.composer import chosen_mentions, composer_behaviour, markdown_toolbar, mention_box, mention_hint, mention_list
from partnerskap.components.forms import field_error, submit
from partnerskap.components.i18n import T
from partnerskap.components.layout import page
from partnerskap.components.links import route_link
from partnerskap.components.markup import sanitised_html
from partnerskap.components.unsent import unsent_reply
from partnerskap.schemas import PostPublic
from partnerskap.state.discussions import ThreadState
from partnerskap.state.moderation import ReportState


def post_editor(post: PostPublic) -> rx.Component:
    """Edit one's own post in place, its mentions shown as names."""
    return rx.form(
        rx.el.input(type="hidden", name="post_id", value=post.id.to(str)),
        chosen_mentions("edit-body", default_value=ThreadState.edit_mentions),
        rx.el.label(T("Edit the post"), html_for="edit-body", class_name="field-label"),
        markdown_toolbar("edit-body"),
        rx.box(
            rx.text_area(
                id="edit-body",
                name="body",
                default_value=ThreadState.edit_text,
                rows="5",
                width="100%",
                max_length=20000,
                aria_describedby="body-error mention-hint",
                **mention_box("edit-body", look_up=~ThreadState.in_workspace),
            ),
            mention_list("edit-body", ThreadState.members),
            class_name="mention-anchor",
        ),
        field_error("body"),
        rx.hstack(submit("Save"), rx.button(T("Cancel"), on_click=ThreadState.cancel_editing, variant="outline", type="button"), margin_top="var(--space-2)"),
        on_submit=ThreadState.save_edit,
        aria_label=T("Edit the post"),
    )


def post_actions(post: PostPublic) -> rx.Component:
    """The post's actions in one compact menu, each shown only to those the permission policy lets take it."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.el.button(
                rx.icon("ellipsis", size=16, aria_hidden="true"),
                type="button",
                aria_label=T("Actions for the post by") + " " + post.author,
                class_name="toolbar-button post-actions",
            ),
        ),
        rx.menu.content(
            rx.cond(ThreadState.can_contribute, rx.menu.item(T("Quote"), on_select=ThreadState.quote(post.id))),
            rx.cond(post.mine & ThreadState.can_contribute, rx.menu.item(T("Edit"), on_select=ThreadState.start_editing(post.id))),
            rx.cond(ThreadState.can_review & post.edited, rx.menu.item(T("History"), on_select=ThreadState.show_history(post.id))),
            rx.cond(~post.mine, rx.menu.item(T("Report"), on_select=ReportState.open_report("post", post.id), class_name="report-control")),
            rx.cond(
                (post.mine & ThreadState.can_contribute) | ThreadState.can_moderate,
                rx.fragment(rx.menu.separator(), rx.menu.item(T("Delete"), on_select=ThreadState.delete_post(post.id), color_scheme="red")),
            ),
            align="end",
        ),
        # Not modal: the rest of the page is not hidden from screen readers (and axe) while the menu is open.
        modal=False,
    )


def post_card(post: PostPublic) -> rx.Component:
    """One post: who wrote it and when on one line, its text, and the viewer's actions in a menu."""
    return rx.el.article(
        rx.el.header(
            avatar(post.picture, post.initials),
            rx.el.div(
                rx.el.span(post.author, class_name="post-author"),
                rx.cond(post.organisation != "", rx.el.span(post.organisation, class_name="post-organisation")),
                rx.el.time(
                    rx.el.span(post.when, aria_hidden="true"),
                    rx.el.span(post.created, class_name="visually-hidden"),
                    title=post.created,
                    class_name="post-time",
                ),
                rx.cond(post.edited, rx.badge(T("edited"), variant="soft")),
                rx.cond(post.held == "hidden", rx.badge(T("Hidden from members"), color_scheme="gray", class_name="held-marker")),
                rx.cond(post.held == "pending", rx.badge(T("Waiting for approval"), color_scheme="orange", class_name="held-marker")),
                class_name="post-byline",
            ),
            rx.cond(~post.deleted & (ThreadState.can_contribute | ThreadState.can_moderate | ThreadState.can_review | ~post.mine), post_actions(post)),
            class_name="post-header",
        ),
        rx.cond(
            post.deleted,
            rx.text(T("This post was deleted."), color="var(--gray-11)", font_style="italic"),
            rx.cond(ThreadState.editing_id == post.id, post_editor(post), sanitised_html(post.html)),
        ),
        rx.cond(
            post.attachments.length() > 0,
            rx.hstack(
                rx.text(T("Attached"), ":", size="2"),
                rx.foreach(post.attachments, lambda document: route_link(document.name, href="/documents/" + document.id.to(str) + "/download", size="2")),
                wrap="wrap",
                class_name="attachments",
            ),
        ),
        id="post-" + post.id.to(str),
        class_name="post",
    )


# What the reply box holds right now (a draft is saved only after a pause in typing).
REPLY_TEXT = rx.Var("(document.getElementById('reply-body')?.value ?? '')", _var_type=str)
# And the members chosen in it, so the preview shows their names as the links they will be.
REPLY_MENTIONS = rx.Var("(document.getElementById('reply-body-mentions-chosen')?.value ?? '')", _var_type=str)
# The thread whose address the browser shows: after a move from one thread to another, the state still holds the
# first until the second has loaded, and words typed meanwhile belong to the second.
THREAD_IN_ADDRESS = rx.Var("(Number((window.location.pathname.match(/^\\/threads\\/(\\d+)/) || [])[1]) || 0)", _var_type=int)


def reply_form() -> rx.Component:
    """The reply box: markdown, a draft kept while typing, and a key that makes a retried send count once."""
    return rx.form(
        rx.el.input(type="hidden", name="key", value=ThreadState.reply_key),
        rx.el.label(T("Your reply (markdown)"), html_for="reply-body", class_name="field-label"),
        chosen_mentions("reply-body", key=ThreadState.reply_key),
        # In a workspace of one there is nobody to mention.
        rx.cond(~ThreadState.in_workspace | (ThreadState.members.length() > 0), mention_hint("mention-hint")),
        rx.hstack(
            rx.button(T("Write"), type="button", on_click=ThreadState.preview(False, "", ""), variant=rx.cond(ThreadState.previewing, "outline", "soft"), aria_pressed=rx.cond(ThreadState.previewing, "false", "true"), size="1"),
            rx.button(T("Preview"), type="button", on_click=ThreadState.preview(True, REPLY_TEXT, REPLY_MENTIONS), variant=rx.cond(ThreadState.previewing, "soft", "outline"), aria_pressed=rx.cond(ThreadState.previewing, "true", "false"), size="1"),
            role="group",
            aria_label=T("Write or preview"),
            spacing="1",
            margin_y="var(--space-1)",
        ),
        rx.cond(
            ThreadState.previewing,
            rx.box(
                rx.cond(ThreadState.preview_html != "", sanitised_html(ThreadState.preview_html), rx.text(T("Nothing to preview yet."), color="var(--gray-11)")),
                class_name="composer-preview",
                id="reply-preview",
            ),
            markdown_toolbar("reply-body"),
        ),
        unsent_reply(),
        rx.box(
            rx.text_area(
                id="reply-body",
                name="body",
                value=ThreadState.draft,
                on_change=lambda body: ThreadState.save_draft(body, ThreadState.reply_key, THREAD_IN_ADDRESS).debounce(600),
                # A sent reply gets a new key: the box starts afresh, even when the saved draft was already empty.
                key=ThreadState.reply_key,
                rows="5",
                width="100%",
                max_length=20000,
                aria_describedby="body-error mention-hint",
                display=rx.cond(ThreadState.previewing, "none", "block"),
                **mention_box("reply-body", look_up=~ThreadState.in_workspace),
            ),
            mention_list("reply-body", ThreadState.members),
            class_name="mention-anchor",
        ),
        field_error("body"),
        rx.cond(
            ThreadState.documents.length() > 0,
            rx.box(
                rx.el.label(rx.cond(ThreadState.in_workspace, T("Attach a document of the workspace"), T("Attach a document of your workspaces")), html_for="attach", class_name="field-label"),
                rx.el.select(
                    rx.el.option(T("No attachment"), value=""),
                    rx.foreach(ThreadState.documents, lambda document: rx.el.option(document.name, value=document.id.to(str))),
                    id="attach",
                    name="attach",
                    class_name="native-select",
                ),
                margin_top="var(--space-2)",
            ),
        ),
        rx.box(submit("Send"), margin_top="var(--space-2)"),
        on_submit=ThreadState.post_reply,
        aria_label=T("Reply"),
    )


def thread() -> rx.Component:
    """The thread page."""
    return page(
        "Discussion",
        rx.cond(
            ThreadState.found,
            rx.vstack(
                composer_behaviour(ThreadState.find_mentions),
                rx.link(T("Back"), ": ", ThreadState.place_name, href=ThreadState.place_link),
                rx.hstack(
                    rx.cond(ThreadState.pinned, rx.badge(T("Pinned"))),
                    rx.cond(
                        ThreadState.can_moderate,
                        rx.button(rx.cond(ThreadState.pinned, T("Unpin"), T("Pin")), on_click=ThreadState.toggle_pin, size="1", variant="outline"),
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(ThreadState.has_earlier, rx.button(T("Show earlier posts"), on_click=ThreadState.load_earlier, variant="outline")),
                rx.el.section(rx.foreach(ThreadState.posts, post_card), rx.foreach(ThreadState.fresh, post_card), aria_label=T("Posts"), aria_live="polite", class_name="posts"),
                rx.cond(
                    ThreadState.history.length() > 0,
                    rx.box(
                        rx.heading(T("Earlier versions"), as_="h3", size="3"),
                        rx.foreach(ThreadState.history, lambda text: rx.el.pre(text, class_name="mail-body")),
                        class_name="history",
                    ),
                ),
                rx.cond(
                    ThreadState.can_contribute,
                    rx.box(reply_form(), width="100%"),
                    rx.cond(ThreadState.archived, rx.text(T("This place is archived or closed: it can be read but not changed."))),
                ),
                rx.cond(
                    ThreadState.closed_reason != "",
                    rx.callout.root(rx.callout.text(T("This workspace was closed by the administrators: it can be read but not changed."), " ", T("Reason"), ": ", ThreadState.closed_reason), color_scheme="red"),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        heading=ThreadState.title,
        context=ThreadState.place_name,
        scope=ThreadState.workspace_id,
    )
