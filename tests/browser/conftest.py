"""Browser fixtures: one live instance per run and a fresh Chromium context per test."""

from __future__ import annotations

import pytest

from tests.live_server import LiveServer, running_instance


def pytest_collection_modifyitems(items):
    """Everything under tests/browser is a browser journey."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server() -> LiveServer:
    """The instance every browser test talks to (it posts pushes to the push journey's service on loopback)."""
    with running_instance(PARTNERSKAP_PUSH_LOOPBACK="1") as server:
        yield server


@pytest.fixture
def new_context(browser):
    """Make isolated browser contexts (separate cookies), closed after the test."""
    contexts = []

    def make(locale: str = "en-GB", **options):
        context = browser.new_context(locale=locale, **options)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
