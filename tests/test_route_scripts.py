"""A page with a part in its address gets the build's fallback page with its own route's scripts named in its head."""

import json

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from partnerskap import api

MANIFEST = {
    "entry": {"module": "/assets/entry.client-A.js", "imports": []},
    "routes": {
        "root": {"id": "root", "path": "", "module": "/assets/root-B.js", "imports": ["/assets/shared-C.js"]},
        "routes/[threads].$[thread_id]._index": {"path": "threads/:thread_id", "module": "/assets/thread-D.js", "imports": ["/assets/shared-C.js", "/assets/icons-E.js"]},
        "routes/[workspaces].$[workspace_id].[documents]._index": {"path": "workspaces/:workspace_id/documents", "module": "/assets/library-F.js", "imports": []},
        "routes/[home]._index": {"path": "home", "module": "/assets/home-G.js", "imports": []},
        "routes/$": {"path": "*", "module": "/assets/missing-H.js", "imports": []},
    },
}
FALLBACK = '<html><head><link rel="modulepreload" href="/assets/manifest-abc123.js"/><link rel="modulepreload" href="/assets/shared-C.js"/></head><body></body></html>'


@pytest.fixture
def build(tmp_path, monkeypatch):
    """A production build's static files: the fallback page, the manifest and one prerendered page."""
    (tmp_path / "__spa-fallback.html").write_text(FALLBACK)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "manifest-abc123.js").write_text("window.__reactRouterManifest=" + json.dumps(MANIFEST) + ";")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "index.html").write_text("<html>home</html>")
    monkeypatch.setattr(api, "_static_dir", lambda: tmp_path)
    for remembered in (api._manifest, api._route_patterns, api._fallback_page):
        remembered.cache_clear()
    yield tmp_path
    for remembered in (api._manifest, api._route_patterns, api._fallback_page):
        remembered.cache_clear()


async def static_files(request):
    return PlainTextResponse(f"static {request.url.path}")


def get(path: str, method: str = "GET", **headers: str):
    app = api.PrerenderedPage(Starlette(routes=[Route("/{rest:path}", static_files, methods=["GET", "HEAD"])]))
    return TestClient(app).request(method, path, headers={name.replace("_", "-"): value for name, value in headers.items()})


def test_a_thread_page_comes_gzipped_to_a_browser_that_takes_it_and_plain_to_one_that_does_not(build):
    gzipped = get("/threads/12", accept_encoding="gzip, deflate, br")
    plain = get("/threads/12", accept_encoding="identity")
    assert gzipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert gzipped.text == plain.text and 'href="/assets/thread-D.js"' in plain.text  # the client unpacked the first
    assert gzipped.headers["vary"] == plain.headers["vary"] == "accept-encoding"


def test_a_thread_page_names_its_routes_scripts_once_each(build):
    answer = get("/threads/12")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    head = answer.text.split("</head>")[0]
    for script in ("/assets/thread-D.js", "/assets/icons-E.js", "/assets/shared-C.js"):
        assert head.count(f'href="{script}"') == 1, script


def test_a_page_deeper_in_a_workspace_names_its_own_scripts(build):
    assert 'href="/assets/library-F.js"' in get("/workspaces/3/documents").text


def test_prerendered_pages_unknown_addresses_and_files_go_to_the_static_files(build):
    assert get("/home").text == "static /home/"  # a prerendered page, at its own address
    assert get("/threads/12/unknown").text == "static /threads/12/unknown"
    assert get("/people/3/avatar").text == "static /people/3/avatar"
    assert get("/threads/12.json").text == "static /threads/12.json"
    assert get("/threads/12", method="HEAD").status_code == 200 and get("/threads/12", method="HEAD").text == ""


def test_without_a_production_build_every_address_goes_to_the_static_files(tmp_path, monkeypatch):
    monkeypatch.setattr(api, "_static_dir", lambda: tmp_path)
    for remembered in (api._manifest, api._route_patterns, api._fallback_page):
        remembered.cache_clear()
    try:
        assert get("/threads/12").text == "static /threads/12"
    finally:
        for remembered in (api._manifest, api._route_patterns, api._fallback_page):
            remembered.cache_clear()
