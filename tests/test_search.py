"""Search: what each person finds, on SQLite's FTS5 and PostgreSQL's text search (run with PARTNERSKAP_TEST_DATABASE=postgres)."""

import dataclasses

import pytest
from sqlalchemy import func, select, text

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import DocumentText, Membership, Workspace
from partnerskap.services import content, discussions, documents, extraction, moderation, networks, search, search_index, workspaces
from partnerskap.services.networks import NetworkForm
from partnerskap.services.search import Query
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.state.search import _count
from tests.conftest import make_person, use_postgres, viewer
from tests.sample_files import docx, pdf

REPLY = "Tapaamme ensi viikolla uusissa työtiloissa Kalliossa."
PHRASE = "yhteinen vuosikello kaikille kunnille"
SECRET = "salainen budjettiluonnos"


@pytest.fixture(autouse=True)
def storage_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents"))


def found(person, text: str, **asked) -> search.Results:
    return search.search(viewer(person) if person is not None else None, Query(text=text, **asked))


def titles(results: search.Results) -> list[str]:
    return [hit.title for hit in results.hits]


def snippets(results: search.Results) -> str:
    return " ".join("".join(piece for piece, _marked in hit.snippet) for hit in results.hits)


def upload(person, workspace_id: int, name: str, data: bytes):
    """Upload a file, then find its text as a worker's background loop does moments later."""
    documents.accept_upload_terms(viewer(person))
    incoming = documents.IncomingFile(viewer(person), workspace_id, name)
    incoming.add(data)
    version = incoming.finish()
    extract_waiting()
    return version


def extract_waiting() -> None:
    while extraction.run_once():
        pass


def thread_with_reply(workspace_id: int, starter, replier, title: str = "Syksyn tapaamiset", reply: str = REPLY):
    thread = discussions.start_thread(viewer(starter), workspace_id, title, "Missä tapaamme syksyllä?", discussions.new_key())
    [view] = discussions.reply(viewer(replier), thread.id, reply, discussions.new_key())
    return thread, view.id


def index_people() -> None:
    """The fixtures write people straight to the database, past the services that index them."""
    search.reindex()


def private_workspace(owner, name: str, access: str) -> Workspace:
    return workspaces.create(viewer(owner), WorkspaceForm(name=name, purpose="Board work", access=access))


def test_member_finds_a_reply_by_an_inflected_finnish_word(workspace, owner, member):
    thread, reply_id = thread_with_reply(workspace.id, owner, member)
    for asked in ("työtila", "työtilan", "työtiloja", "TYÖTILOISSA"):
        results = found(owner, asked)
        assert [hit.link for hit in results.hits] == [f"/threads/{thread.id}#post-{reply_id}"], asked
        assert ("työtiloissa", True) in results.hits[0].snippet and results.hits[0].title == "Syksyn tapaamiset"  # named by its discussion


def test_member_finds_a_pdf_by_a_phrase_inside_it(workspace, owner, member):
    upload(member, workspace.id, "vuosikello.pdf", pdf(f"Ehdotus: {PHRASE} vuodelle 2027."))
    results = found(owner, f'"{PHRASE}"')
    assert titles(results) == ["vuosikello.pdf"] and results.counts == {"document": 1}
    assert results.hits[0].link == f"/workspaces/{workspace.id}/documents"
    assert "vuosikello" in snippets(results)


def test_member_finds_a_word_document_by_its_text(workspace, owner, member):
    upload(member, workspace.id, "ohjeet.docx", docx("Perehdytys uusille vapaaehtoisille", "Kahvi keitetään ennen tapaamista"))
    assert titles(found(owner, "vapaaehtoisille perehdytys")) == ["ohjeet.docx"]


def test_a_scanned_pdf_is_marked_as_having_no_text_and_is_found_by_its_name(workspace, owner, member):
    version = upload(member, workspace.id, "skannattu-poytakirja.pdf", pdf())
    with transaction() as session:
        assert session.get(DocumentText, version.id).state == extraction.State.SCANNED
    assert titles(found(owner, "poytakirja")) == ["skannattu-poytakirja.pdf"]


def test_a_damaged_pdf_is_stored_and_searchable_by_name_without_text(workspace, owner, member):
    version = upload(member, workspace.id, "rikki.pdf", b"%PDF-1.4\n" + b"x" * 500)
    with transaction() as session:
        assert session.get(DocumentText, version.id).state == extraction.State.FAILED
    assert titles(found(owner, "rikki")) == ["rikki.pdf"]


def test_outsider_finds_nothing_of_request_and_invitation_only_workspaces_nor_counts_nor_snippets(owner, outsider, password_hash):
    for access in ("request", "invitation"):
        board = private_workspace(owner, f"Board {access}", access)
        thread_with_reply(board.id, owner, owner, title=f"Budjetti {access}", reply=f"Tässä {SECRET} ja työtiloissa kokous.")
        upload(owner, board.id, f"budjetti-{access}.pdf", pdf(f"{PHRASE} {SECRET}"))
    assert len(found(owner, SECRET).hits) == 4
    for asked in (SECRET, "työtila", PHRASE, "budjetti"):
        results = found(outsider, asked)
        assert results.hits == [] and results.counts == {} and results.total == 0, asked
    assert titles(found(outsider, "Board request")) == ["Board request"]  # the on-request workspace itself may be found and asked to join
    assert found(outsider, "invitation").hits == []


def test_hidden_and_deleted_posts_are_found_by_nobody(workspace, owner, member, admin):
    thread, hidden_id = thread_with_reply(workspace.id, owner, member, reply="Mainos: halpoja lentolippuja")
    [deleted] = discussions.reply(viewer(member), thread.id, "Poistettava viesti kuukausikokouksesta", discussions.new_key())
    case = moderation.report(viewer(owner), "post", hidden_id, "spam")
    moderation.decide(viewer(admin), case.id, "hide", "Advertising is not allowed here")
    discussions.delete(viewer(member), deleted.id)
    for person in (owner, member, admin):
        assert found(person, "lentolippuja").hits == [] and found(person, "kuukausikokouksesta").counts == {}


def test_a_trashed_document_is_not_found_and_a_restored_one_is(workspace, owner, member):
    version = upload(member, workspace.id, "vanha.pdf", pdf(PHRASE))
    documents.delete_document(viewer(member), version.document_id)
    assert found(member, PHRASE).hits == [] and found(owner, PHRASE).counts == {}
    documents.restore_document(viewer(owner), version.document_id)
    assert titles(found(member, PHRASE)) == ["vanha.pdf"]


def test_a_removed_member_no_longer_finds_the_workspaces_posts(workspace, owner, member):
    thread_with_reply(workspace.id, owner, owner)
    assert len(found(member, "työtiloissa").hits) == 1
    workspaces.remove_member(viewer(owner), workspace.id, member.id)
    assert found(member, "työtiloissa").hits == []


def test_an_edited_post_is_found_by_its_new_words_and_not_its_old_ones(workspace, owner, member):
    _thread, reply_id = thread_with_reply(workspace.id, owner, member)
    discussions.edit(viewer(member), reply_id, "Siirrämme tapaamisen kirjastoon.")
    assert found(owner, "työtiloissa").hits == []
    assert len(found(owner, "kirjastossa").hits) == 1


def test_search_inside_a_workspace_stays_in_it(workspace, owner, member):
    other = workspaces.create(viewer(owner), WorkspaceForm(name="Toinen tila", purpose="Muuta"))
    thread_with_reply(workspace.id, owner, member)
    thread_with_reply(other.id, owner, owner)
    inside = found(owner, "työtiloissa", workspace_id=workspace.id)
    assert [hit.place for hit in inside.hits] == [workspace.name] and inside.query.workspace_id == workspace.id and inside.counts == {"post": 1}
    assert found(member, "työtiloissa", workspace_id=other.id).hits == []  # a workspace Bob does not read: nothing, not an error


def test_visitor_finds_published_pages_and_not_drafts_posts_or_members(workspace, owner, member, password_hash):
    editor = make_person(password_hash, "Edith", role="editor")
    page = content.save_item(viewer(editor), 0, content.ItemForm(kind="page", slug="kotoutuminen"))
    content.save_version(viewer(editor), page.id, content.VersionForm(language="fi", title="Kotoutuminen Helsingissä", body="Ohjeita kotoutumiseen ja työtiloihin."))
    draft = content.save_item(viewer(editor), 0, content.ItemForm(kind="news", slug="luonnos"))
    content.save_version(viewer(editor), draft.id, content.VersionForm(language="fi", title="Luonnos työtiloista", body="Ei vielä julki."))
    thread_with_reply(workspace.id, owner, member)
    assert found(None, "työtiloissa").hits == []  # the page is a draft until published
    content.publish(viewer(editor), page.id)
    results = found(None, "työtila")
    assert titles(results) == ["Kotoutuminen Helsingissä"] and results.counts == {"content": 1}
    assert results.hits[0].link == "/info/kotoutuminen?lang=fi"
    index_people()
    assert found(None, "Olivia").hits == [] and found(owner, "Olivia").counts == {"member": 1}


def test_members_find_each_other_by_name_and_organisation(owner, outsider):
    index_people()
    assert titles(found(outsider, "Olivia's organisation")) == ["Olivia"]


def test_swedish_and_english_inflections_are_found(workspace, owner, member):
    thread_with_reply(workspace.id, owner, member, reply="Vi träffas i arbetsrummen. The volunteers are meeting.")
    assert len(found(owner, "arbetsrum").hits) == 1
    assert len(found(owner, "volunteer meetings").hits) == 1


def test_date_order_shows_the_newest_first_and_pages_hold_twenty(workspace, owner):
    thread = discussions.start_thread(viewer(owner), workspace.id, "Kirjat", "Ensimmäinen kirjasto", discussions.new_key())
    for number in range(25):
        discussions.reply(viewer(owner), thread.id, f"Kirjasto numero {number}", discussions.new_key())
    first = found(owner, "kirjasto", sort="date")
    assert first.total == 26 and first.pages == 2 and len(first.hits) == search.PAGE_SIZE
    assert "numero 24" in "".join(piece for piece, _ in first.hits[0].snippet)
    assert len(found(owner, "kirjasto", sort="date", page=2).hits) == 6


def test_a_common_word_reads_only_the_newest_matches_and_says_more_were_found(workspace, owner, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES_MAX", 10)
    thread = discussions.start_thread(viewer(owner), workspace.id, "Kirjat", "Ensimmäinen kirjasto", discussions.new_key())
    for number in range(14):
        discussions.reply(viewer(owner), thread.id, f"Kirjasto numero {number}", discussions.new_key())
    upload(owner, workspace.id, "kirjastot.txt", "Kirjasto ja sen aukioloajat".encode())
    results = found(owner, "kirjasto", sort="date")
    assert results.total == 10 and results.at_least == frozenset({"", *search.KINDS})
    assert results.counts == {"document": 1, "post": 9}  # the document was uploaded last, so it is among the newest
    assert "numero 13" in "".join(piece for piece, _ in results.hits[1].snippet)
    posts_only = found(owner, "kirjasto", kind="post")
    assert posts_only.total == 10 and posts_only.counts["post"] == 10 and "post" in posts_only.at_least
    documents_only = found(owner, "kirjasto", kind="document")
    assert titles(documents_only) == ["kirjastot.txt"] and "document" not in documents_only.at_least  # all of them were read


def test_members_older_matches_are_found_when_the_newest_in_their_scope_are_ones_they_may_not_see(workspace, owner, member, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES_MAX", 2)  # PostgreSQL first tests the newest 3 matches (2 + 1 + a quarter)
    thread = discussions.start_thread(viewer(owner), workspace.id, "Syksyn tapaaminen", "Kokous pidetään lokakuussa", discussions.new_key())
    for number in range(2):
        discussions.reply(viewer(owner), thread.id, f"Kokous numero {number}", discussions.new_key())
    # Newer matches outside any workspace, in a network Bob has not joined: in his scope, but not his to read.
    closed = networks.create(viewer(owner), NetworkForm(name="Asuminen ensin", access="request"))
    for number in range(6):
        discussions.start_thread(viewer(owner), closed.id, f"Verkoston kokous {number}", "Kokous verkostossa", discussions.new_key(), kind="network")
    assert {hit.place for hit in found(owner, "kokous", sort="date").hits} == {"Asuminen ensin"}  # the newest are the network's
    results = found(member, "kokous", sort="date")
    assert {hit.place for hit in results.hits} == {"Baltic Bridges"} and results.counts == {"post": 2} and "" in results.at_least


def test_snippets_are_plain_text_pieces_never_markup(workspace, owner):
    discussions.start_thread(viewer(owner), workspace.id, "Merkintä", "<script>alert(1)</script> kokous **tänään**", discussions.new_key())
    [hit] = found(owner, "kokous").hits
    assert ("kokous", True) in hit.snippet and "<script>alert" in "".join(piece for piece, _ in hit.snippet)


def test_reindex_rebuilds_what_the_writes_indexed(workspace, owner, member):
    thread_with_reply(workspace.id, owner, member)
    upload(member, workspace.id, "vuosikello.pdf", pdf(PHRASE))
    before = [(hit.kind, hit.link) for hit in found(owner, "työtila vuosikello").hits + found(owner, PHRASE).hits]
    with transaction() as session:
        session.execute(search_index.entries.delete())
    assert found(owner, PHRASE).hits == []
    assert search.reindex() > 0
    assert [(hit.kind, hit.link) for hit in found(owner, "työtila vuosikello").hits + found(owner, PHRASE).hits] == before


def test_the_index_tables_stay_out_of_the_models_and_the_backups():
    from sqlmodel import SQLModel

    assert not [name for name in SQLModel.metadata.tables if name.startswith(search_index.PREFIX)]
    with transaction() as session:
        assert session.execute(select(func.count()).select_from(search_index.entries)).scalar_one() == 0


BAD_INPUT = [
    "",
    "   ",
    "x" * 10_000,
    " ".join(["työtila"] * 500),
    '"',
    '"työtila',
    "työtila\"'",
    "*",
    "työ*",
    "NEAR(työtila kokous)",
    "työtila NEAR kokous",
    "-työtila",
    "title:työtila",
    "(työtila",
    "työtila)",
    "AND OR NOT",
    "'; DROP TABLE post; --",
    "a & b | !c <-> d",
    "työtila:*",
    "\\",
    "%_%",
    "Привет мир",
    "東京 会議",
    "مرحبا",
    "työtila Привет 東京",
    "\x00\x01",
    "🙂🙂",
    "_",
    "é" * 60,
]


@pytest.mark.parametrize("asked", BAD_INPUT)
def test_any_input_is_searched_without_an_error(workspace, owner, member, asked):
    thread_with_reply(workspace.id, owner, member)
    for person in (owner, None):
        results = found(person, asked)
        assert results.total == len(results.hits) or results.pages > 1
        assert len(results.query.text) <= search.QUERY_MAX


@pytest.mark.parametrize("asked", [{"kind": "nonsense"}, {"sort": "random"}, {"page": -3}, {"page": 10**9}, {"page": "2"}, {"workspace_id": "1; --"}, {"workspace_id": -1}])
def test_any_options_are_bounded_without_an_error(workspace, owner, member, asked):
    thread_with_reply(workspace.id, owner, member)
    results = found(owner, "työtila", **asked)
    assert results.query.page <= search.PAGES_MAX and results.query.kind in ("", *search.KINDS)


def test_mixed_scripts_find_what_they_say(workspace, owner):
    discussions.start_thread(viewer(owner), workspace.id, "Kielet", "Привет друзья, tervetuloa", discussions.new_key())
    assert len(found(owner, "привет").hits) == 1


def test_membership_rows_decide_and_not_the_index(workspace, owner, member):
    thread_with_reply(workspace.id, owner, owner)
    with transaction() as session:
        session.execute(Membership.__table__.delete().where(Membership.user_id == member.id))
    assert found(member, "työtiloissa").hits == []


def test_inside_a_workspace_public_pages_are_left_out_and_a_workspace_one_cannot_read_finds_nothing(workspace, owner, outsider, password_hash):
    editor = make_person(password_hash, "Edith", role="editor")
    page = content.save_item(viewer(editor), 0, content.ItemForm(kind="page", slug="tyotilat"))
    content.save_version(viewer(editor), page.id, content.VersionForm(language="fi", title="Työtilat", body="Työtiloissa tavataan."))
    content.publish(viewer(editor), page.id)
    thread_with_reply(workspace.id, owner, owner)
    assert found(owner, "työtiloissa", workspace_id=workspace.id).counts == {"post": 1}
    for person in (outsider, None):
        scoped = found(person, "työtiloissa", workspace_id=workspace.id)
        assert scoped.hits == [] and scoped.counts == {} and scoped.scope_name == ""
    assert found(owner, "", workspace_id=workspace.id).scope_name == workspace.name


def test_a_post_removed_by_a_moderator_is_found_again_once_the_appeal_restores_it(workspace, owner, member, admin, password_hash):
    _thread, reply_id = thread_with_reply(workspace.id, owner, member)
    case = moderation.report(viewer(owner), "post", reply_id, "spam")
    moderation.decide(viewer(admin), case.id, "remove", "Off topic")
    assert found(owner, "työtiloissa").hits == []
    moderation.appeal(viewer(member), case.id, "It was on topic: the meeting place.")
    second_admin = make_person(password_hash, "Agnes", role="admin")
    moderation.decide(viewer(second_admin), case.id, "dismiss", "It was on topic after all")
    assert len(found(owner, "työtiloissa").hits) == 1


def test_the_reindex_command_rebuilds_the_index(workspace, owner, member, capsys):
    from partnerskap import cli

    thread_with_reply(workspace.id, owner, member)
    with transaction() as session:
        session.execute(search_index.entries.delete())
    cli.COMMANDS["reindex"]()
    assert "indexed" in capsys.readouterr().out
    assert len(found(owner, "työtiloissa").hits) == 1


def test_the_filters_say_at_least_when_more_matched_than_a_search_reads():
    assert (_count(12, at_least=False), _count(1000, at_least=True), _count(0, at_least=True), _count(0, at_least=False)) == ("(12)", "(1000+)", "", "(0)")


@pytest.mark.skipif(not use_postgres(), reason="PostgreSQL's query compiler")
def test_postgres_runs_a_searchs_queries_without_compiling_them_first():
    with transaction() as session:
        assert session.execute(text("SHOW jit")).scalar() == "off"  # compiling took 1.0 of a 1.35 s search


def test_each_entry_carries_its_kind_and_workspace_as_its_scope(workspace, owner, member):
    _thread, reply_id = thread_with_reply(workspace.id, owner, member)
    with transaction() as session:
        scopes = dict(session.execute(select(search_index.entries.c.kind, search_index.entries.c.scope).where(search_index.entries.c.kind.in_(["post", "workspace"]), search_index.entries.c.item_id.in_([reply_id, workspace.id]))).all())
    assert scopes == {"post": f"zzkpost zzw{workspace.id}", "workspace": "zzkworkspace zzwnone"}


@pytest.mark.parametrize("asked", ["zzwnone", "zzkpost", "zzw1", "zzkpost zzw1"])
def test_nobody_finds_anything_by_a_scope_token(workspace, owner, member, asked):
    thread_with_reply(workspace.id, owner, member)
    assert found(owner, asked).hits == [] and found(None, asked).hits == []


def test_a_members_matches_are_not_crowded_out_by_newer_ones_in_workspaces_they_cannot_read(workspace, owner, member, outsider, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES_MAX", 5)
    discussions.start_thread(viewer(member), workspace.id, "Kirjasto", "Kirjasto avataan", discussions.new_key())
    elsewhere = private_workspace(outsider, "Hallitus", "invitation")
    thread = discussions.start_thread(viewer(outsider), elsewhere.id, "Kirjasto", "Kirjasto suljetaan", discussions.new_key())
    for number in range(8):
        discussions.reply(viewer(outsider), thread.id, f"Kirjasto numero {number}", discussions.new_key())
    results = found(member, "kirjasto")
    assert titles(results) == ["Kirjasto"] and results.total == 1 and not results.at_least


def test_relevance_does_not_depend_on_the_size_of_the_workspace(workspace, owner, member):
    for number in range(6):
        discussions.start_thread(viewer(owner), workspace.id, f"Aihe {number}", "Muuta asiaa", discussions.new_key())
    small = private_workspace(owner, "Pieni", "invitation")
    busy, _ = thread_with_reply(workspace.id, owner, owner, title="Iso", reply="Kirjasto avautuu")
    quiet, _ = thread_with_reply(small.id, owner, owner, title="Pieni", reply="Kirjasto avautuu")
    # The same words score the same: the earlier wins the tie, though the small workspace's scope token is rarer.
    assert [hit.link.split("#")[0] for hit in found(owner, "kirjasto").hits] == [f"/threads/{busy.id}", f"/threads/{quiet.id}"]


@pytest.mark.skipif(not use_postgres(), reason="PostgreSQL's plan cache")
def test_postgres_plans_every_search_for_its_own_words(workspace, owner, member):
    from sqlalchemy import event

    from partnerskap.db import engine

    modes = []

    def note_mode(_connection, cursor, statement, *_rest):
        if "@@" in statement:
            modes.append(cursor.connection.execute("SHOW plan_cache_mode").fetchone()[0])

    thread_with_reply(workspace.id, owner, member)
    event.listen(engine(), "after_cursor_execute", note_mode)
    try:
        found(member, "työtiloissa")
    finally:
        event.remove(engine(), "after_cursor_execute", note_mode)
    # A generic plan, made once a statement has run five times, scanned every match of a common word (0.9 s).
    assert modes and set(modes) == {"force_custom_plan"}
