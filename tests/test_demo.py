"""A new instance gets its first administrator and demo content once, however often it is prepared."""

from sqlalchemy import text

from partnerskap.db import transaction
from partnerskap.services import demo


def counts() -> list[int]:
    with transaction() as session:
        return [session.exec(text(f"SELECT count(*) FROM {table}")).one()[0] for table in ("\"user\"", "workspace", "post", "event", "network", "area", "profile")]


def test_demo_content_is_created_once():
    assert demo.create_first_admin(email="Admin@Example.org", password="a long admin passphrase")
    assert not demo.create_first_admin(email="admin@example.org", password="another passphrase")
    demo.seed()
    first = counts()
    demo.seed()
    assert counts() == first == [4, 1, 8, 1, 2, 1, 2]
