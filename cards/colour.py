"""Colour arithmetic and the built-in section palette: pure functions, no PDF.

Contrast follows WCAG 2.x: relative luminance of sRGB, ratio (L1 + 0.05) /
(L2 + 0.05). Band text is white or near-black, whichever reads better.
"""

from __future__ import annotations

import re
from functools import lru_cache

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

WHITE = "#FFFFFF"
INK = "#1A1A1A"
AA_CONTRAST = 4.5

# Dark enough for white text at AA (5.2:1 and up) and told apart by lightness
# as well as hue: light and dark alternate, so every colour differs from the
# next (and the last from the first) by at least 20 in CIE L*. Greyscale
# prints and the common colour-vision deficiencies still separate
# neighbouring sections; hues alternate between the blue and the warm side.
PALETTE = (
    "#2A6CB8",  # blue, L* 45
    "#5A2A0A",  # brown, L* 23
    "#00777F",  # teal, L* 45
    "#3F1942",  # plum, L* 16
    "#946300",  # ochre, L* 46
    "#173D22",  # forest, L* 22
    "#B8365F",  # wine, L* 44
    "#1F3553",  # navy, L* 22
)
NEIGHBOURS_APART = 20.0  # in L*: what the palette keeps between neighbours
# Chosen colours closer than this in L* look alike on a black-and-white print.
GREYSCALE_APART = 10.0


def assign_colours(given: list[str | None]) -> list[str]:
    """A colour for every section: its own where given, else the next palette
    colour no section has taken that stands at least ``NEIGHBOURS_APART`` in
    lightness from both neighbours (the most distant one when none does)."""
    taken = {colour.upper() for colour in given if colour}
    spare = [c for c in PALETTE if c.upper() not in taken] or list(PALETTE)
    colours: list[str] = []
    for index, colour in enumerate(given):
        if colour:
            colours.append(colour)
            continue
        following = given[index + 1] if index + 1 < len(given) else None
        around = tuple(c for c in (colours[-1] if colours else None, following) if c)
        apart = [c for c in spare if lightness_gap(c, around) >= NEIGHBOURS_APART]
        choice = apart[0] if apart else max(spare, key=lambda c: lightness_gap(c, around))
        colours.append(choice)
        spare.remove(choice)
        if not spare:  # more sections than colours: the palette again
            spare = list(PALETTE)
    return colours


def lightness_gap(colour: str, others: tuple[str, ...]) -> float:
    """How far ``colour`` stands in L* from the nearest of ``others`` (100 from none)."""
    return min((abs(lightness(colour) - lightness(other)) for other in others), default=100.0)


def look_alike_in_greyscale(a: str, b: str) -> str | None:
    """Why two neighbouring sections' colours look alike on a black-and-white
    print, in a warning's words; None when they do not."""
    light_a, light_b = lightness(a), lightness(b)
    gap = abs(light_a - light_b)
    if gap >= GREYSCALE_APART:
        return None
    return (
        f"{a} and {b} are {gap:.0f} apart in lightness (L* {light_a:.0f} and {light_b:.0f}; "
        f"{NEIGHBOURS_APART:.0f} or more reads apart on a black-and-white print); the band "
        "numbers still tell them apart, but a lighter or darker colour for one helps"
    )


def rgb(hex_colour: str) -> tuple[float, float, float]:
    """``#RRGGBB`` as three floats in 0..1."""
    value = hex_colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(hex_colour: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def lightness(hex_colour: str) -> float:
    """CIE L* (0 black … 100 white): how light the colour prints in greyscale."""
    y = luminance(hex_colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@lru_cache(maxsize=1024)
def text_colour_on(background: str) -> str:
    """White or ink, whichever has more contrast on ``background`` (asked for
    every band and block drawn: worked out once a colour)."""
    return WHITE if contrast(background, WHITE) >= contrast(background, INK) else INK


def best_text_contrast(background: str) -> float:
    return contrast(background, text_colour_on(background))


def tint(hex_colour: str, strength: float) -> str:
    """``hex_colour`` mixed with white: 1.0 is the colour, 0.0 is white."""
    r, g, b = (round(255 - (255 - c * 255) * strength) for c in rgb(hex_colour))
    return f"#{r:02X}{g:02X}{b:02X}"
