"""A new instance gets its first administrator and demo content once, however often it is prepared."""

import dataclasses

from sqlalchemy import text

from partnerskap import cli
from partnerskap import settings as config

from partnerskap.db import transaction
from partnerskap.models import User
from partnerskap.services import content, demo, search
from partnerskap.services.search import Query
from partnerskap.services.sessions import Viewer


def counts() -> list[int]:
    with transaction() as session:
        return [session.exec(text(f"SELECT count(*) FROM {table}")).one()[0] for table in ("\"user\"", "workspace", "post", "event", "activity", "network", "area", "profile")]


def test_demo_content_is_created_once():
    assert demo.create_first_admin(email="Admin@Example.org", password="a long admin passphrase")
    assert not demo.create_first_admin(email="admin@example.org", password="another passphrase")
    demo.seed()
    first = counts()
    demo.seed()
    assert counts() == first == [4, 1, 10, 1, 3, 2, 1, 2]


def test_demo_front_page_shows_news_and_events_in_three_languages_and_plain_language():
    demo.create_first_admin(email="admin@example.org", password="a long admin passphrase")
    demo.seed()
    demo.seed()
    front = content.front_page()
    assert (len(front.pages), len(front.news), len(front.events), len(front.services)) == (1, 2, 2, 3)
    assert {"fi", "sv", "en"} <= set().union(*(summary.titles for summary in front.news + front.events))
    assert content.public_item("news", "kotoutumislaki-2025").plain.keys() == {"fi", "sv"}


def test_demo_queue_has_an_open_and_a_decided_case():
    demo.create_first_admin(email="admin@example.org", password="a long admin passphrase")
    demo.seed()
    with transaction() as session:
        statuses = sorted(session.exec(text("SELECT status FROM moderationcase")).scalars().all())
    assert statuses == ["decided", "open"]


def test_the_first_administrator_gets_the_name_chosen_at_setup(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, data_dir=tmp_path))
    monkeypatch.setenv("PARTNERSKAP_ADMIN_EMAIL", "anna@example.org")
    monkeypatch.setenv("PARTNERSKAP_ADMIN_NAME", "  Anna   Virtanen ")
    cli.first_admin()
    with transaction() as session:
        assert session.exec(text("SELECT name, role FROM \"user\" WHERE email = 'anna@example.org'")).one() == ("Anna Virtanen", "admin")
    assert "anna@example.org" in capsys.readouterr().out


def test_demo_administrator_has_one_accessibility_feedback_to_answer():
    demo.create_first_admin(email="admin@example.org", password="a long admin passphrase")
    demo.seed()
    demo.seed()
    with transaction() as session:
        kinds = session.exec(text("SELECT kind FROM notification WHERE kind = 'accessibility_feedback'")).scalars().all()
    assert kinds == ["accessibility_feedback"]


def test_demo_content_is_searchable_once_seeded():
    demo.create_first_admin(email="admin@example.org", password="a long admin passphrase")
    demo.seed()
    with transaction() as session:
        aino = Viewer.of(session.query(User).filter(User.email == demo.DEMO_PEOPLE[0][0]).one())
    assert {hit.kind for hit in search.search(aino, Query(text="keskusteluryhmä")).hits} == {"post"}  # the demo reply says "keskusteluryhmiä"
    assert "member" in search.search(aino, Query(text="Lindqvist")).counts
    visitors = search.search(None, Query(text="kotoutumislaki"))
    assert visitors.total > 0 and visitors.counts.keys() <= {"content", "event"}
