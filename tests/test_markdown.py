"""The markdown renderer: everyday formatting works and nothing a member writes can run in another's browser."""

import re
from html.parser import HTMLParser

import pytest

from partnerskap import settings as config
from partnerskap.services import markdown

SAFE_SCHEMES = ("http://", "https://", "mailto:")

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="alert(1)">click</a>',
    '<div onmouseover="alert(1)">hover</div>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](  javascript:alert(1)  )",
    "<javascript:alert(1)>",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "![svg](data:image/svg+xml,<svg onload=alert(1)>)",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body { display: none }</style>",
    '<object data="https://evil.example/x.swf"></object>',
    '<svg><script>alert(1)</script></svg>',
    '<form action="https://evil.example"><input name="password"></form>',
    "@[<script>alert(1)</script>](member:1)",
    '[title](https://example.org "x\\" onmouseover=\\"alert(1)")',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
]


class _Elements(HTMLParser):
    """Every element and attribute in rendered HTML, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_post_renders_with_nothing_executable(body):
    html = markdown.render(body)
    lowered = html.lower()
    for tag in ("<script", "<iframe", "<style", "<object", "<embed", "<svg", "<form", "<input", "<div"):
        assert tag not in lowered
    markup = " ".join(re.findall(r"<[^>]*>", lowered))
    assert "onerror=" not in markup
    assert "javascript:" not in markup
    assert "data:" not in markup
    for tag, attributes in elements(html):
        assert tag in markdown.ALLOWED_TAGS
        for name, value in attributes.items():
            assert not name.startswith("on"), (tag, name)
            assert name in {"href", "src", "alt", "title", "rel", "class", "align", "target"}, (tag, name)
            if name in {"href", "src"}:
                assert value.strip().lower().startswith(SAFE_SCHEMES) or re.fullmatch(r"/people/\d+", value), (tag, name, value)
            if name == "target":
                assert (value, "noopener" in attributes["rel"]) == ("_blank", True)


@pytest.mark.parametrize("body", ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))"])
def test_hostile_markup_is_shown_as_harmless_text(body):
    html = markdown.render(body)
    assert [tag for tag, _ in elements(html)] == ["p"]
    assert "&lt;img" in html or "[click]" in html


def test_bold_italic_and_strikethrough_render():
    assert markdown.render("**bold** *italic* ~~gone~~") == "<p><strong>bold</strong> <em>italic</em> <s>gone</s></p>\n"


def test_https_link_renders_and_cannot_reach_the_opener():
    [(tag, attributes)] = elements(markdown.render("[Partnership](https://example.org/a?b=1)"))[1:]
    assert tag == "a"
    assert attributes["href"] == "https://example.org/a?b=1"
    assert {"noopener", "noreferrer", "nofollow"} <= set(attributes["rel"].split())


def test_lists_render():
    html = markdown.render("- one\n- two\n\n1. first\n2. second")
    assert [tag for tag, _ in elements(html)] == ["ul", "li", "li", "ol", "li", "li"]


def test_code_renders_with_its_markup_escaped():
    assert markdown.render("`a < b`") == "<p><code>a &lt; b</code></p>\n"
    assert markdown.render("```\n<b>x</b>\n```") == "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n"


def test_tables_render():
    html = markdown.render("| Name | City |\n|------|:----:|\n| Bob | Turku |")
    tags = [tag for tag, _ in elements(html)]
    assert tags[:2] == ["table", "thead"]
    assert tags.count("th") == 2 and tags.count("td") == 2
    assert "<td" in html and "Turku" in html


def test_quote_and_line_breaks_render():
    html = markdown.render("> quoted\n\nline one\nline two")
    assert "<blockquote>" in html
    assert "line one<br>" in html


def test_https_image_renders():
    [(tag, attributes)] = elements(markdown.render("![logo](https://example.org/logo.png)"))[1:]
    assert tag == "img"
    assert attributes["src"] == "https://example.org/logo.png"


def test_mention_renders_as_the_name_linking_to_the_person():
    html = markdown.render("Thanks @[Bob Smith](member:12)!")
    assert html == '<p>Thanks <a href="/people/12" rel="noopener noreferrer nofollow ugc">@Bob Smith</a>!</p>\n'


def test_a_mentioned_name_with_markdown_in_it_stays_plain_text():
    assert markdown.render("@[*Ann* _the_ <b>](member:7)") == '<p><a href="/people/7" rel="noopener noreferrer nofollow ugc">@*Ann* _the_ &lt;b&gt;</a></p>\n'


def test_links_to_other_sites_open_in_a_new_tab_and_links_here_do_not():
    here = config.settings.public_url
    html = markdown.render(f"[there](https://example.org/x) [here]({here}/threads/1) [also here](/threads/2)")
    assert [(attributes["href"], attributes.get("target")) for tag, attributes in elements(html) if tag == "a"] == [
        ("https://example.org/x", "_blank"),
        (f"{here}/threads/1", None),
        ("/threads/2", None),
    ]


def test_mentioned_ids_are_found():
    assert markdown.mentioned_ids("@[Bob](member:12) and @[Ann](member:7), not @[x](user:3)") == {12, 7}


def test_quote_names_the_author_and_drops_mention_markup():
    assert markdown.quote("Bob", "Hi @[Ann](member:7)\nbye") == "> **Bob:**\n> Hi @Ann\n> bye\n\n"
