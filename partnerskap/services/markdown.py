"""The one markdown renderer: CommonMark without raw HTML, then an allow-list sanitiser."""

from __future__ import annotations

import functools
import re

import nh3
from markdown_it import MarkdownIt

from partnerskap import memory
from partnerskap import settings as config

MENTION = re.compile(r"@\[([^\]\n]{1,120})\]\(member:(\d+)\)")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(["table", "strikethrough"])
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "span": {"class"}, "th": {"align"}, "td": {"align"}}


# Raw HTML (not markdown's <https://…> and <name@example.org> autolinks) and script links: the renderer shows them as
# dead text, so a text that holds them was not meant for it.
UNSAFE_MARKUP = re.compile(r"<!|</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^>]*)?/?>|\]\(\s*<?\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def has_unsafe_markup(body: str) -> bool:
    """Whether a text holds raw HTML or a script link, which forms that publish text refuse rather than show inert."""
    return bool(UNSAFE_MARKUP.search(body))


def mentioned_ids(body: str) -> set[int]:
    """The member ids mentioned as @[Name](member:ID)."""
    return {int(match.group(2)) for match in MENTION.finditer(body)}


def shown(body: str) -> tuple[str, list[int]]:
    """The text as a composer shows it, each mention as @Name, and the ids mentioned in the order they appear."""
    return MENTION.sub(lambda match: f"@{match.group(1)}", body), [int(match.group(2)) for match in MENTION.finditer(body)]


def stored(body: str, chosen: list[tuple[int, str]], members: set[int]) -> str:
    """The text as stored: the first @Name still plain for each chosen member (in the order chosen) becomes
    @[Name](member:ID); mention syntax of anyone not among `members` becomes plain text."""
    text = MENTION.sub(lambda match: match.group(0) if int(match.group(2)) in members else f"@{match.group(1)}", body)
    for user_id, name in chosen:
        if user_id in members and MENTION.fullmatch(f"@[{name}](member:{user_id})"):
            # Not inside an e-mail address, nor the start of a longer name ("@Li" is not "@Liisa").
            written = re.compile(rf"(?<![\w@])@{re.escape(name)}(?!\w)")
            text = written.sub(lambda _match, user_id=user_id, name=name: f"@[{name}](member:{user_id})", text, count=1)
    return text


def render(body: str) -> str:
    """Safe HTML for a post or a description: scripts, event handlers, javascript: links and raw HTML come out inert.

    Posts are rendered once, when written (their HTML is stored); short texts shown again and again, such as a
    workspace's description on every visit, are rendered once per process and the HTML shared.
    """
    return _remembered_render(body) if len(body) <= CACHED_LENGTH else _render(body)


CACHED_LENGTH = 4000


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>!])")
_LINK_ELSEWHERE = re.compile(r'<a href="(https?://[^"]*)"')


def _mention_link(match: re.Match) -> str:
    """A mention as a link to the person, named as they were when mentioned (the stored syntax never shows)."""
    name = _MARKDOWN_SPECIAL.sub(r"\\\1", match.group(1))
    return f"[@{name}](/people/{match.group(2)})"


def _render(body: str) -> str:
    html = _markdown.render(MENTION.sub(_mention_link, body))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
    )
    # Links to other sites open in a new tab (rel noopener above keeps the opened page from reaching back).
    return _LINK_ELSEWHERE.sub(lambda link: link.group(0) if link.group(1).startswith(config.settings.public_url + "/") else f'<a target="_blank" href="{link.group(1)}"', clean)


_remembered_render = functools.lru_cache(maxsize=2048)(_render)
memory.register(
    "rendered HTML",
    holds="the HTML of short texts shown again and again, such as workspace descriptions (markdown -> HTML)",
    lasts="the process; the 2,048 most recently used",
    others_learn="nothing to learn: the same text always renders the same",
    forget=_remembered_render.cache_clear,
)


def quote(author: str, body: str) -> str:
    """A markdown quotation of another post."""
    text = shown(body)[0].strip()
    quoted = "\n".join(f"> {line}" for line in text.splitlines()[:20])
    return f"> **{author}:**\n{quoted}\n\n"
