"""Tables that become lists on a phone: each cell names its column there, and the row's actions stay in view."""

from collections.abc import Callable

import reflex as rx

from partnerskap.components.i18n import T


def data_table(caption: str, columns: tuple[str, ...], rows: rx.Var, row: Callable[..., rx.Component], **props) -> rx.Component:
    """A captioned table with column headers; below 40rem (styles.css `.stacked-table`) each row is a card of "Label: value" lines."""
    return rx.table.root(
        rx.el.caption(T(caption), class_name="visually-hidden"),
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(label)) for label in columns])),
        rx.table.body(rx.foreach(rows, row)),
        class_name="stacked-table",
        width="100%",
        **props,
    )


def row_cell(label: str, *children, header: bool = False, **props) -> rx.Component:
    """A cell that carries its column's name, shown before its value when the table is a list."""
    make = rx.table.row_header_cell if header else rx.table.cell
    return make(*children, custom_attrs={"data-label": T(label)}, **props)
