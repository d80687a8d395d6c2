"""Spreadsheets in and out: `cards import` and `cards export`.

A deck folder of Markdown stays the one content model; a sheet is a way in and
out of it. A ``.csv`` carries the techniques, one row each; an ``.xlsx`` the
whole deck: that ``techniques`` sheet, plus ``deck`` (field, value rows) and
``sections`` (one row per section).
"""

from __future__ import annotations

from cards.sheets.exporting import export_deck
from cards.sheets.importing import import_sheet

__all__ = ["export_deck", "import_sheet"]
