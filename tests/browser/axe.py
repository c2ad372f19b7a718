"""axe-core in the page under test: WCAG 2.1 A and AA, failing on serious and critical violations."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

_axe = Axe()


def violations(page: Page) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    return [violation for violation in results.response["violations"] if violation["impact"] in BLOCKING]


def describe(violation: dict) -> str:
    """One violation as a rule, its impact and the elements that fail it."""
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"


def assert_accessible(page: Page, label: str) -> None:
    """Fail with every serious or critical WCAG 2.1 A/AA violation on the page, named by label."""
    found = violations(page)
    assert not found, f"{label} ({page.url}):\n" + "\n".join(describe(violation) for violation in found)
