"""A TrueType font whose name inside a PDF file is fixed, not given by first use.

ReportLab names an embedded font ``F1``, ``F2``… in the order a file first
uses it, so the same drawing made in two processes (or for two files) could
name the same font differently. A card drawn in a worker process is placed
in the main process's file as drawn; every process must therefore write the
same name for the same font.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.ttfonts import TTFont

# Words measured and kept per font; more than this and the memory starts over.
MEASURED_MAX = 20_000  # about 2 MB a face


class StableFont(TTFont):
    def __init__(self, name: str, filename: str, internal_name: str):
        super().__init__(name, filename)
        self.internal_name = internal_name
        self.measured: dict[tuple[str, float], float] = {}

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        """ReportLab's, remembered: line breaking measures every word of a
        paragraph at every size tried, and most words come again (the same
        value, not a scaled one: lines break exactly where they did)."""
        key = (text, size)
        width = self.measured.get(key)
        if width is None:
            if len(self.measured) >= MEASURED_MAX:
                self.measured.clear()
            width = self.measured[key] = super().stringWidth(text, size, encoding)
        return width

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:
        """``/T1+0`` for subset 0 of the first face, in every file; the font is
        added to the file the first time the file uses it, as ReportLab does."""
        state = self._assignState(doc)
        if state.internalName is None:
            state.internalName = self.internal_name
        if self.fontName not in doc.fontMapping:
            doc.fontMapping[self.fontName] = "/" + self.internal_name
            doc.delayedFonts.append(self)
        if subset < 0 or subset >= len(state.subsets):
            raise IndexError(f"Subset {subset} does not exist in font {self.fontName}")
        return f"/{self.internal_name}+{subset}"

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> Any:
        """ReportLab's, with a short way for the usual line: every character
        already has a code in the first subset (the deck's characters are coded
        before drawing), so the line is one run of those codes."""
        state = self.state.get(doc)
        if state is not None and isinstance(text, str):
            codes = state.assignments
            try:
                run = bytes([codes[32 if c == 0xA0 else c] for c in map(ord, text)])
            except (KeyError, ValueError):  # a character with no code yet, or past 255
                return super().splitString(text, doc, encoding)
            return [(0, run)] if run else []
        return super().splitString(text, doc, encoding)
