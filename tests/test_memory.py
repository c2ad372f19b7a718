"""What a process remembers: one cache type that forgets per key after commit, and a registry that forgets everything."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import partnerskap.partnerskap  # noqa: F401  (imports every module that remembers something)
from partnerskap import memory, uploads
from partnerskap.db import transaction
from partnerskap.memory import UNKNOWN, Remembered
from partnerskap.models import User
from partnerskap.services import markdown

ARCHITECTURE = Path(__file__).parent.parent / "docs" / "architecture.md"


class FakeClock:
    """The clock remembered values age by, moved by the test."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """Remembered values age only when the test says so."""
    fake = FakeClock()
    monkeypatch.setattr(memory, "clock", fake)
    return fake


@pytest.fixture
def cache():
    """A cache of people's names, trusted for 60 seconds, of at most three, grouped by organisation."""
    made = Remembered("test names", holds="names", lasts="60 s", others_learn="never", seconds=lambda: 60, limit=3, group_of=lambda value: value[0])
    yield made
    memory._registry.pop("test names")
    memory._watched[:] = [watch for watch in memory._watched if watch[1] is not made]


def test_a_remembered_value_is_trusted_until_it_expires(cache, clock):
    cache.keep(1, ("red cross", "Bob"), since=cache.generation())
    clock.now += 59
    assert cache.get(1) == ("red cross", "Bob")
    clock.now += 1
    assert cache.get(1) is UNKNOWN


def test_a_value_may_be_trusted_for_less_than_the_cache_allows(cache, clock):
    cache.keep(1, ("red cross", "Bob"), since=cache.generation(), seconds=5)
    clock.now += 5
    assert cache.get(1) is UNKNOWN


def test_a_change_forgets_its_key_only_once_it_commits(cache):
    for key, name in ((1, "Bob"), (2, "Charlie")):
        cache.keep(key, ("red cross", name), since=cache.generation())
    with transaction() as session:
        cache.forget_after_commit(session, keys=[1])
        assert cache.get(1) == ("red cross", "Bob")
    assert cache.get(1) is UNKNOWN
    assert cache.get(2) == ("red cross", "Charlie")


def test_a_change_that_rolls_back_forgets_nothing(cache):
    cache.keep(1, ("red cross", "Bob"), since=cache.generation())
    with pytest.raises(RuntimeError, match="changed my mind"), transaction() as session:
        cache.forget_after_commit(session, keys=[1])
        raise RuntimeError("changed my mind")
    assert cache.get(1) == ("red cross", "Bob")


def test_forgetting_a_group_forgets_its_keys_and_no_others(cache):
    cache.keep(1, ("red cross", "Bob"), since=cache.generation())
    cache.keep(2, ("red cross", "Charlie"), since=cache.generation())
    cache.keep(3, ("caritas", "Dana"), since=cache.generation())
    with transaction() as session:
        cache.forget_after_commit(session, groups=["red cross"])
    assert [cache.get(key) for key in (1, 2, 3)] == [UNKNOWN, UNKNOWN, ("caritas", "Dana")]


def test_a_watched_change_to_a_row_forgets_its_key_and_other_changes_do_not(cache, member):
    cache.forget_when_changed(User, keys=lambda person: [person.id], attribute="language")
    cache.keep(member.id, ("red cross", "Bob"), since=cache.generation())
    with transaction() as session:
        session.get(User, member.id).organisation = "Caritas"
    assert cache.get(member.id) == ("red cross", "Bob")
    with transaction() as session:
        session.get(User, member.id).language = "sv"
    assert cache.get(member.id) is UNKNOWN


def test_a_value_loaded_while_a_key_was_forgotten_is_not_kept(cache):
    def load_while_someone_changes_a_name():
        cache.forget(keys=[2])
        return ("red cross", "Bob (before the change)")

    assert cache.remember(1, load_while_someone_changes_a_name) == ("red cross", "Bob (before the change)")
    assert cache.get(1) is UNKNOWN
    assert cache.remember(1, lambda: ("red cross", "Bob")) == ("red cross", "Bob")
    assert cache.get(1) == ("red cross", "Bob")


def test_a_full_cache_drops_the_expired_then_the_oldest(cache, clock):
    cache.keep(1, ("red cross", "Bob"), since=cache.generation(), seconds=1)
    cache.keep(2, ("red cross", "Charlie"), since=cache.generation())
    cache.keep(3, ("caritas", "Dana"), since=cache.generation())
    clock.now += 2
    cache.keep(4, ("caritas", "Eve"), since=cache.generation())
    assert len(cache) == 3
    cache.keep(5, ("caritas", "Frank"), since=cache.generation())
    assert len(cache) == 3
    assert [cache.get(key) is UNKNOWN for key in (1, 2, 3, 4, 5)] == [True, True, False, False, False]


def test_one_call_forgets_everything_the_process_remembers(cache):
    cache.keep(1, ("red cross", "Bob"), since=cache.generation())
    markdown.render("**hello**")
    uploads.note("client-token", "session-digest")
    memory.forget_everything()
    assert cache.get(1) is UNKNOWN
    assert markdown._remembered_render.cache_info().currsize == 0
    assert uploads.take("client-token") is None


def test_an_upload_that_never_reaches_its_handler_is_forgotten(clock):
    uploads.note("abandoned-tab", "session-digest")
    clock.now += uploads.KEEP_SECONDS
    assert uploads.take("abandoned-tab") is None


def test_an_upload_is_taken_once(clock):
    uploads.note("tab", "session-digest")
    assert uploads.take("tab") == uploads.UploadRequest("session-digest")
    assert uploads.take("tab") is None


def test_the_architecture_lists_everything_a_process_remembers():
    table = ARCHITECTURE.read_text(encoding="utf-8").split("## What a process remembers", 1)[1]
    documented = set(re.findall(r"^\| ([^|]+?) \|", table, flags=re.MULTILINE)) - {"What", "---"}
    assert {piece.name for piece in memory.listed()} == documented
