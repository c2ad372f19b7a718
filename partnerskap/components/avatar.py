"""A person's face: their picture, or their initials when they have none."""

import reflex as rx


def avatar(picture: rx.Var, initials: rx.Var, size: str = "2") -> rx.Component:
    """The picture (decorative: the person's name is always written beside it) or the initials."""
    return rx.avatar(src=picture, fallback=initials, size=size, radius="full", alt="", aria_hidden="true", class_name="person-avatar")
