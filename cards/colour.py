"""Colour arithmetic and the built-in section palette: pure functions, no PDF.

Contrast follows WCAG 2.x: relative luminance of sRGB, ratio (L1 + 0.05) /
(L2 + 0.05). Band text is white or near-black, whichever reads better.
"""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

WHITE = "#FFFFFF"
INK = "#1A1A1A"
AA_CONTRAST = 4.5

# Dark enough for white text at AA (5.3:1 and up), told apart by lightness as
# well as hue: the first four step down evenly in luminance (0.15, 0.10, 0.065,
# 0.03), so the common colour-vision deficiencies and greyscale prints still
# separate them.
PALETTE = (
    "#2A6CB8",  # blue, lightest
    "#9A3B0C",  # rust
    "#1F5230",  # forest green
    "#4B1F4E",  # plum, darkest
    "#86590A",  # ochre-brown
    "#8E1B3E",  # wine
    "#00707A",  # teal
    "#3E4B5E",  # slate
)
# Neighbours in the palette (and the last with the first) differ by at least
# 7 in lightness, so neighbouring sections stay apart in greyscale.
GREYSCALE_APART = 5.0


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


def text_colour_on(background: str) -> str:
    """White or ink, whichever has more contrast on ``background``."""
    return WHITE if contrast(background, WHITE) >= contrast(background, INK) else INK


def best_text_contrast(background: str) -> float:
    return contrast(background, text_colour_on(background))


def tint(hex_colour: str, strength: float) -> str:
    """``hex_colour`` mixed with white: 1.0 is the colour, 0.0 is white."""
    r, g, b = (round(255 - (255 - c * 255) * strength) for c in rgb(hex_colour))
    return f"#{r:02X}{g:02X}{b:02X}"
