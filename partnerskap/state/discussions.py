"""A discussion thread: reading, replying, quoting, editing, deleting, pinning; live for everyone in it."""

from __future__ import annotations

from sys import intern

from partnerskap import memory, offload
from partnerskap.i18n import N_, format_datetime
from partnerskap.schemas import DocumentLink, MemberRow, PostPublic
from partnerskap.services import discussions, permissions, places
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded
from partnerskap.state.live import deliver, open_tabs


# Posts that arrive while a tab is open go into a short list of their own, so that one more post does not resend
# every post shown; past this many they join the others, of which a tab keeps the newest SHOWN_AT_MOST.
FRESH_AT_MOST = 20
SHOWN_AT_MOST = 100
memory.register(
    "interned strings",
    holds="authors' names, organisations and post HTML shown in threads, one copy shared by every tab",
    lasts="while any tab shows them (Python frees unused interned strings)",
    others_learn="nothing to learn: an edited post is a new string",
)

NOT_SENT_YET = N_("Your reply has not been sent yet: it is back in the reply box. Send it when you are ready.")


class ThreadState(AppState):
    """The open thread."""

    thread_id: int = 0
    title: str = ""
    place_name: str = ""
    place_link: str = ""
    workspace_id: int = 0  # the header's search stays in it by default (0: a network's or a conversation's thread)
    # Outside workspaces a place may have thousands of members: mentions are looked up as one types.
    in_workspace: bool = False
    pinned: bool = False
    archived: bool = False
    closed_reason: str = ""
    # Which controls the page shows, each the permission policy's answer for this viewer (the services still refuse).
    can_contribute: bool = False
    can_moderate: bool = False
    can_review: bool = False
    posts: list[PostPublic] = []
    fresh: list[PostPublic] = []
    has_earlier: bool = False
    draft: str = ""
    previewing: bool = False
    preview_html: str = ""
    reply_key: str = ""
    sent_key: str = ""  # the newest key the server knows as sent: the browser forgets words it kept under it
    editing_id: int = 0
    edit_text: str = ""  # the post being edited as its box shows it, mentions as @Name
    edit_mentions: str = ""  # the ids it mentions, in order, for the edit form's hidden field
    history: list[str] = []
    members: list[MemberRow] = []
    documents: list[DocumentLink] = []
    found: bool = False
    _unsent_key: str = ""  # words typed before a restart, saved as the draft of this thread before its page was open
    _unsent_thread: int = 0

    def _place(self) -> str:
        return f"thread-{self.thread_id}"

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """Open the thread at its newest posts and follow it live."""
        await self._open(viewer, self._route_id("thread_id"), entering=not self._loading_again)

    async def _open(self, viewer: Viewer, thread_id: int, *, entering: bool = True) -> None:
        leaving = self._place() if self.found else ""
        self.found = False
        page = await offload.read(discussions.open_thread, viewer, thread_id, entering=entering)
        thread, place = page.thread, page.place
        self.thread_id, self.title, self.pinned = thread.id, thread.title, thread.pinned
        self.place_name, self.place_link, self.in_workspace = places.name(place), places.link(place), thread.workspace_id is not None
        self.workspace_id = thread.workspace_id or 0
        self.archived = place.archived
        self.closed_reason = place.workspace.closed_reason if self.in_workspace and place.closed else ""  # only workspaces are closed by administrators
        self.can_contribute, self.can_moderate, self.can_review = (bool(permissions.decide(viewer, action, place)) for action in (Action.CONTRIBUTE, Action.MODERATE, Action.REVIEW))
        self.posts, self.fresh = [PostPublic.of(view, self.lang) for view in page.posts], []
        self.has_earlier = len(page.posts) == discussions.PAGE_SIZE
        self.draft = page.draft
        self.members = [
            MemberRow.of(member) for member in page.members if member.id != viewer.id
        ]
        self.reply_key = discussions.new_key()
        if self._unsent_key and self._unsent_thread == thread.id and page.draft:
            self.reply_key, self._unsent_key = self._unsent_key, ""
            self._say(NOT_SENT_YET)
        self.documents = [DocumentLink(id=document_id, name=name) for document_id, name in page.attachable]
        self.editing_id, self.history = 0, []
        self.found = True
        await open_tabs.note(self._place(), self.router.session.client_token, leaving=leaving)

    @guarded(Access.MEMBER)
    async def load_new(self, viewer: Viewer):
        """Add posts that arrived since the newest one shown."""
        if await self._reopened(viewer):
            return
        await self._show_new(viewer)

    @guarded(Access.MEMBER, quiet=True)
    async def deliver_new(self, viewer: Viewer):
        """Show posts that others just sent: the server queues this for every other tab that has the thread open."""
        if not self._shows(self._route_id("thread_id")):  # the tab has moved on
            await open_tabs.forget(self._place(), self.router.session.client_token)
            return
        await self._show_new(viewer)

    @guarded(Access.MEMBER)
    async def load_earlier(self, viewer: Viewer):
        """Show the previous page of posts."""
        if await self._reopened(viewer):
            return
        oldest = min((post.id for post in self.posts or self.fresh), default=None)
        views = await offload.read(discussions.posts, viewer, self.thread_id, before_id=oldest)
        self.posts = [PostPublic.of(view, self.lang) for view in views] + self.posts
        self.has_earlier = len(views) == discussions.PAGE_SIZE

    async def _reopened(self, viewer: Viewer) -> bool:
        """Open the page's thread afresh if this state is not filled for it (lost in a restart, or another thread)."""
        thread_id = self._route_id("thread_id")
        if self._shows(thread_id):
            return False
        await self._open(viewer, thread_id)
        return True

    @guarded(Access.MEMBER)
    async def post_reply(self, viewer: Viewer, form: dict):
        """Send a reply; a retried send with the same key is saved once."""
        # The thread comes from the page's address: a reply the browser kept while the server restarted arrives
        # right after it reconnects, before the page's load has filled this (then new) state again.
        thread_id = self._route_id("thread_id")
        quote_of, attach = str(form.get("quote_of", "")), str(form.get("attach", ""))
        sent = (
            viewer,
            thread_id,
            str(form.get("body", "")),
            str(form.get("key", "")),
            int(quote_of) if quote_of.isdigit() else None,
            int(attach) if attach.isdigit() else None,
        )
        if not self._shows(thread_id):
            await self._open(viewer, thread_id)
        self._take_new(await offload.write(discussions.reply, *sent, after_id=self._newest_shown(), mentions=mentions_chosen(form)))
        self.draft, self.previewing, self.sent_key = "", False, sent[3]
        self.reply_key = discussions.new_key()
        deliver(self._place(), f"{ThreadState.get_full_name()}.deliver_new", sender=self.router.session.client_token)

    def _shows(self, thread_id: int | None) -> bool:
        return self.found and self.thread_id == thread_id

    async def _show_new(self, viewer: Viewer) -> None:
        self._take_new(await offload.read(discussions.posts, viewer, self.thread_id, after_id=self._newest_shown()))

    def _newest_shown(self) -> int:
        return max((post.id for post in self.fresh or self.posts), default=0)

    def _take_new(self, views: list[discussions.PostView]) -> None:
        """Show new posts: in the short fresh list, or, once that is full, with the rest (the oldest dropped)."""
        if not views:  # nothing new: the answer carries no post list at all
            return
        fresh = self.fresh + [PostPublic.of(view, self.lang) for view in views]
        if len(fresh) <= FRESH_AT_MOST:
            self.fresh = fresh
            return
        shown = self.posts + fresh
        self.posts, self.fresh = shown[-SHOWN_AT_MOST:], []
        self.has_earlier = self.has_earlier or len(shown) > SHOWN_AT_MOST

    @guarded(Access.MEMBER)
    async def preview(self, viewer: Viewer, showing: bool, body: str = "", mentions: str = ""):
        """Show the reply box's text as it will look (rendered by the one renderer), or go back to writing it."""
        self.previewing = bool(showing)
        if self.previewing:
            text = body if isinstance(body, str) else ""
            self.preview_html = await offload.read(discussions.preview, viewer, self.thread_id, text, mentions_chosen({"mentions": mentions}))

    @guarded(Access.MEMBER)
    async def save_draft(self, viewer: Viewer, body: str, key: str, thread_id: int):
        """Keep the half-written reply, so it survives a reload; words typed as the server restarted come back.

        `thread_id` is the thread the words were typed in (the one in the browser's address). A save under another
        key than the tab's, or for another thread than the one loaded, is late. Either its reply was sent since:
        dropped. Or the server restarted while it waited in the browser, and the tab's state was filled anew
        (perhaps after this save arrives), or the person moved to another thread and typed before it had loaded:
        the words are kept and put back in that thread's reply box with their key and a notice, so that sending
        them saves them once.
        """
        thread_id = thread_id if isinstance(thread_id, int) and not isinstance(thread_id, bool) else 0
        if key == self.reply_key and thread_id == self.thread_id:
            self.draft = str(body)
            await offload.write(discussions.save_draft, viewer, self._place(), self.draft)
            return
        if thread_id <= 0:
            return
        if await offload.read(discussions.was_sent, viewer, key):
            self.sent_key = str(key)
            return
        await offload.write(discussions.save_draft, viewer, f"thread-{thread_id}", str(body))
        if self._shows(thread_id):
            self.draft, self.reply_key = str(body), key
            self._say(NOT_SENT_YET)
        else:
            self._unsent_key, self._unsent_thread = key, thread_id

    @guarded(Access.MEMBER)
    async def find_mentions(self, viewer: Viewer, typed: str):
        """Offer the first few members of the place whose names start with what the member typed after @."""
        self.members = mentionable(await offload.read(discussions.mention_candidates, viewer, self.thread_id, str(typed)[:60]))

    @guarded(Access.MEMBER)
    async def quote(self, viewer: Viewer, post_id: int):
        """Put a quotation of a post into the reply box."""
        self.draft = self.draft + await offload.read(discussions.quote_text, viewer, int(post_id))
        await offload.write(discussions.save_draft, viewer, f"thread-{self.thread_id}", self.draft)

    @guarded(Access.MEMBER)
    async def start_editing(self, viewer: Viewer, post_id: int):
        """Open one's own post for editing, its mentions shown as names."""
        text, mentioned = await offload.read(discussions.editable_text, viewer, int(post_id))
        self.edit_text, self.edit_mentions = text, ",".join(map(str, mentioned))
        self.editing_id = int(post_id)

    @guarded(Access.MEMBER)
    async def cancel_editing(self, viewer: Viewer):
        """Close the editor without saving."""
        self.editing_id = 0

    @guarded(Access.MEMBER)
    async def save_edit(self, viewer: Viewer, form: dict):
        """Save an edited post (the earlier text is kept for moderators)."""
        post_id = int(form.get("post_id", 0))
        await offload.write(discussions.edit, viewer, post_id, str(form.get("body", "")), mentions=mentions_chosen(form))
        self.editing_id = 0
        await self._refresh_one(viewer, post_id)
        self._say(N_("The post was saved."))

    async def _refresh_one(self, viewer: Viewer, post_id: int) -> None:
        changed = PostPublic.of(await offload.read(discussions.one_post, viewer, post_id), self.lang)
        if any(post.id == post_id for post in self.fresh):
            self.fresh = [changed if post.id == post_id else post for post in self.fresh]
        else:
            self.posts = [changed if post.id == post_id else post for post in self.posts]

    @guarded(Access.MEMBER)
    async def delete_post(self, viewer: Viewer, post_id: int):
        """Delete a post."""
        await offload.write(discussions.delete, viewer, int(post_id))
        await self._refresh_one(viewer, int(post_id))
        self._say(N_("The post was deleted."))

    @guarded(Access.MEMBER)
    async def toggle_pin(self, viewer: Viewer):
        """Pin the thread to the top of its workspace, or unpin it."""
        thread = await offload.write(discussions.pin, viewer, self.thread_id, not self.pinned)
        self.pinned = thread.pinned

    @guarded(Access.MEMBER)
    async def show_history(self, viewer: Viewer, post_id: int):
        """Show earlier texts of a post (moderators)."""
        revisions = await offload.read(discussions.history, viewer, int(post_id))
        self.history = [f"{format_datetime(revision.replaced_at, self.lang)}: {revision.body}" for revision in revisions]


def mentionable(found: list[tuple[int, str]]) -> list[MemberRow]:
    """Members found by `discussions.mention_candidates`, as a mention list shows them."""
    return [MemberRow(id=user_id, name=intern(name), organisation="", role="") for user_id, name in found]


def mentions_chosen(form: dict) -> tuple[int, ...]:
    """The members chosen in a composer, in order, from its hidden field ("5,12"); the service checks each one."""
    return tuple(int(part) for part in str(form.get("mentions", "")).split(",")[: discussions.MENTIONS_AT_MOST] if part.isdigit() and len(part) <= 10)
