"""Draw the app's PNG icons from the brand (teal square, two linked rings; see assets/icon.svg) into assets/icons/.

Run once when the brand changes: `.venv/bin/python scripts/make_icons.py`; the PNGs are committed.
"""

from pathlib import Path

from PIL import Image, ImageDraw

TEAL = "#0d7377"
WHITE = "#ffffff"
ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"
SUPERSAMPLE = 4  # drawn larger, then scaled down: smooth edges without antialiasing support in ImageDraw


def _draw(size: int, *, rounded: bool, rings_scale: float) -> Image.Image:
    """The brand at `size` px; `rounded` leaves transparent corners, `rings_scale` shrinks the rings towards the centre."""
    big = size * SUPERSAMPLE
    unit = big / 512  # the SVG's coordinates are on a 512 grid
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(96 * unit), fill=TEAL)
    else:
        draw.rectangle((0, 0, big, big), fill=TEAL)
    radius, stroke = 92 * unit * rings_scale, 36 * unit * rings_scale
    for centre_x in (256 - 66 * rings_scale, 256 + 66 * rings_scale):
        x, y = centre_x * unit, 256 * unit
        outer = radius + stroke / 2
        draw.ellipse((x - outer, y - outer, x + outer, y + outer), outline=WHITE, width=round(stroke))
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    """Write the icons the manifest and the page head name."""
    ICONS.mkdir(parents=True, exist_ok=True)
    _draw(192, rounded=True, rings_scale=1).save(ICONS / "icon-192.png", optimize=True)
    _draw(512, rounded=True, rings_scale=1).save(ICONS / "icon-512.png", optimize=True)
    # Maskable: full bleed, the rings inside the central 80 % circle that every launcher's mask keeps.
    _draw(512, rounded=False, rings_scale=0.72).save(ICONS / "maskable-512.png", optimize=True)
    # iOS rounds the corners itself and shows transparency as black: full bleed, no alpha.
    _draw(180, rounded=False, rings_scale=0.85).convert("RGB").save(ICONS / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
