"""Finnish words found by their base forms and compound parts (Voikko), and by Snowball's stems on a host without it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from partnerskap import cli
from partnerskap.db import transaction
from partnerskap.services import discussions, search, search_index
from partnerskap.services.search import Query
from tests.conftest import viewer


@pytest.fixture(autouse=True)
def voikko_installed():
    """The test machines have Voikko (scripts/test-setup.sh installs Debian's libvoikko1 and voikko-fi)."""
    assert search_index.normaliser() == "voikko", "Voikko is missing: run scripts/test-setup.sh"


@pytest.fixture
def without_voikko(monkeypatch):
    """A host without Voikko: Finnish is stemmed by Snowball, and nothing Voikko made is remembered."""
    monkeypatch.setattr(search_index, "_voikko", lambda: None)
    search_index.finnish_base_forms.cache_clear()
    yield
    search_index.finnish_base_forms.cache_clear()


def post(workspace_id: int, person, body: str) -> str:
    """Start a thread with one post; the post's address."""
    thread = discussions.start_thread(viewer(person), workspace_id, "Kevään suunnitelmat", body, discussions.new_key())
    return f"/threads/{thread.id}"


def links(person, asked: str) -> list[str]:
    return [hit.link.split("#")[0] for hit in search.search(viewer(person), Query(text=asked)).hits]


def test_member_finds_a_compound_word_by_its_part(workspace, owner, member):
    address = post(workspace.id, owner, "Kotoutumistyön koulutus alkaa maaliskuussa.")
    assert links(member, "työ") == [address]
    assert links(member, "kotoutumistyö") == [address]


def test_member_finds_a_word_whose_stem_changes_in_inflection(workspace, owner, member):
    address = post(workspace.id, owner, "Kunnassamme on nyt kaksi uutta ohjaajaa, ja asunnon löytäminen helpottui.")
    for asked in ("kunta", "kuntien", "asunto", "asunnot"):
        assert links(member, asked) == [address], asked


def test_a_compound_asked_for_does_not_find_every_word_of_its_parts(workspace, owner, member):
    post(workspace.id, owner, "Työ jatkuu keväällä.")
    address = post(workspace.id, owner, "Uudet työtilat ovat Vallilassa.")
    assert links(member, "työtiloissa") == [address]


def test_snippets_mark_the_inflected_word_that_was_found(workspace, owner, member):
    post(workspace.id, owner, "Kunnassamme on nyt kaksi uutta ohjaajaa.")
    [hit] = search.search(viewer(member), Query(text="kunta")).hits
    assert ("Kunnassamme", True) in hit.snippet


def test_without_voikko_finnish_inflections_are_still_found_by_their_stems(workspace, owner, member, without_voikko):
    address = post(workspace.id, owner, "Kokoonnumme uusissa työtiloissa Vallilassa.")
    assert search_index.normaliser() == "snowball"
    for asked in ("työtila", "työtilan", "työtiloja"):
        assert links(member, asked) == [address], asked


def test_prepare_rebuilds_an_index_made_by_another_normaliser(workspace, owner, member, capsys, monkeypatch):
    monkeypatch.setenv("PARTNERSKAP_DEMO", "0")
    address = post(workspace.id, owner, "Kunnassamme on nyt kaksi uutta ohjaajaa.")
    search.reindex()
    assert search.index_is_current()
    with transaction() as session:  # as if the index had been built on a host without Voikko
        session.execute(update(search_index.meta).values(value="snowball"))
        session.execute(search_index.entries.delete())
    assert not search.index_is_current()
    cli.prepare()
    assert "indexed" in capsys.readouterr().out
    assert search.index_is_current() and links(member, "kunta") == [address]
    with transaction() as session:
        assert session.execute(select(search_index.meta.c.value)).scalar_one() == "voikko"
