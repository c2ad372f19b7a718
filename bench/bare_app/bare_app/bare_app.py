"""One page, one state, one handler that reads 20 rows from SQLite: bare Reflex, for comparison.

bench/load/ creates the database (BARE_DATABASE, a table `item` with id, title, body) before it starts this app.
"""

import asyncio
import contextlib
import os
import sqlite3

import reflex as rx

DATABASE = os.environ.get("BARE_DATABASE", "bare.db")


def newest_items() -> list[dict[str, str]]:
    """The 20 newest rows."""
    with contextlib.closing(sqlite3.connect(DATABASE)) as connection:
        rows = connection.execute("SELECT id, title, body FROM item ORDER BY id DESC LIMIT 20").fetchall()
    return [{"id": str(row_id), "title": title, "body": body} for row_id, title, body in rows]


class BareState(rx.State):
    """The rows shown."""

    rows: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        """Read the rows in a worker thread, as Partnerskap's handlers do with their service calls."""
        self.rows = await asyncio.to_thread(newest_items)


def index() -> rx.Component:
    """The rows and a button that reads them again."""
    return rx.el.main(
        rx.el.button("Reload", on_click=BareState.load),
        rx.el.ul(rx.foreach(BareState.rows, lambda row: rx.el.li(rx.el.strong(row["title"]), " ", row["body"]))),
    )


app = rx.App()
app.add_page(index, route="/", on_load=BareState.load, title="Bare")
