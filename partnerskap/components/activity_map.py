"""A map of activities: react-leaflet (Leaflet, maintained and small) wrapped as Reflex components, tiles from the configured server."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.utils.imports import ImportVar

REACT_LEAFLET = "react-leaflet@5.0.0"
LEAFLET = "leaflet@1.9.4"


class LeafletComponent(rx.NoSSRComponent):
    """A react-leaflet component, loaded in the browser only (Leaflet needs `window`)."""

    library = REACT_LEAFLET
    lib_dependencies: list[str] = [LEAFLET]


class MapContainer(LeafletComponent):
    """The map itself; its children are layers and markers."""

    tag = "MapContainer"
    center: rx.Var[list[float]]
    zoom: rx.Var[int]
    scroll_wheel_zoom: rx.Var[bool]

    def add_imports(self) -> dict[str, Any]:
        """Leaflet's own stylesheet, bundled with the page (no outside request)."""
        return {"": ImportVar(tag="leaflet/dist/leaflet.css", install=False)}


class TileLayer(LeafletComponent):
    """The background map, drawn from tiles of the configured server."""

    tag = "TileLayer"
    url: rx.Var[str]
    attribution: rx.Var[str]


class CircleMarker(LeafletComponent):
    """A place on the map drawn as a circle, so no marker images are fetched."""

    tag = "CircleMarker"
    center: rx.Var[list[float]]
    radius: rx.Var[int]


class Popup(LeafletComponent):
    """What opens when a marker is chosen."""

    tag = "Popup"


def activity_map(markers: rx.Var, tile_url: rx.Var, attribution: rx.Var, *, center: list[float] | rx.Var, zoom: int, label: rx.Var, marker_child) -> rx.Component:
    """Markers on a map, or nothing without a tile server; the list beside it carries the same content."""
    return rx.cond(
        tile_url != "",
        rx.box(
            MapContainer.create(
                TileLayer.create(url=tile_url, attribution=attribution),
                rx.foreach(markers, lambda item: rx.cond(item.on_map, CircleMarker.create(Popup.create(marker_child(item)), center=item.position, radius=9))),
                center=center,
                zoom=zoom,
                scroll_wheel_zoom=False,
                style={"height": "100%", "width": "100%"},
            ),
            class_name="activity-map",
            role="region",
            aria_label=label,
        ),
    )
