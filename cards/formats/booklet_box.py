"""Where a booklet page's text goes, and the sizes its layouts are given.

``flow_box`` is the box below whatever furniture fills a page's top;
``continuation_layout`` is the furniture of a page a technique runs on to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace

from cards.language import upper
from cards.layout.markup import Band, Layout
from cards.layout.theme import BookletTheme, mm_to_pt


def sizes_view(theme: BookletTheme) -> SimpleNamespace:
    """The sizes a booklet layout may place things at, from the theme (so
    --large-print can give the text more room)."""
    return SimpleNamespace(
        diagram_width_mm=theme.diagram_width_mm,
        diagram_height_mm=theme.diagram_height_mm,
        opener_diagram_height_mm=theme.opener_diagram_height_mm,
        opener_diagram_width_mm=theme.opener_diagram_width_mm,
        diagram_grow_to_mm=theme.diagram_grow_to_mm,
        picture_width_mm=theme.picture_width_mm,
        picture_height_mm=theme.picture_height_mm,
    )


@dataclass(frozen=True)
class FlowBox:
    top_pt: float
    bottom_pt: float
    width_pt: float

    @property
    def height_pt(self) -> float:
        return self.top_pt - self.bottom_pt


def flow_box(layout: Layout, theme: BookletTheme) -> FlowBox:
    """Where a page's blocks go: below whatever furniture fills its top."""
    height = theme.height_mm
    top_mm = height - theme.margin_top_mm
    if layout.band:
        top_mm = height - theme.band_height_mm - theme.band_gap_mm
    panel = layout.furniture.get("panel")
    if panel is not None:
        top_mm = height - float(panel.get("height_mm", theme.panel_height_mm)) - theme.band_gap_mm
    motif = layout.furniture.get("motif")
    if motif is not None and motif.get("at", "top") == "top":
        top_mm = height - float(motif.get("height_mm", "40")) - theme.band_gap_mm
    width_mm = theme.width_mm - theme.margin_inner_mm - theme.margin_outer_mm
    return FlowBox(mm_to_pt(top_mm), mm_to_pt(theme.margin_bottom_mm), mm_to_pt(width_mm))


def continuation_layout(layout: Layout, accent: str) -> Layout:
    """The layout of a page a technique runs on to: a section's panel opens
    only its first page; the others carry the section's band instead."""
    panel = layout.furniture.get("panel")
    if panel is None:
        return layout
    label = panel.get("label", "")
    band = Band(
        panel.get("colour", accent), panel.get("number", ""), label, upper(label, layout.language)
    )
    furniture = {k: v for k, v in layout.furniture.items() if k != "panel"}
    return replace(layout, band=band, furniture=furniture)
