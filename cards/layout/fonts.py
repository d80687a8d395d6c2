"""A TrueType font that remembers the widths it measured.

Line breaking measures every word of a paragraph at every size tried, and
most words come again; ``stringWidth`` (ReportLab's public method) is
extended with a bounded memory of what it returned. Subsetting, naming and
embedding are ReportLab's own.
"""

from __future__ import annotations

from reportlab.pdfbase.ttfonts import TTFont

# Words measured and kept per font; more than this and the memory starts over.
MEASURED_MAX = 20_000  # about 2 MB a face


class MeasuredFont(TTFont):
    def __init__(self, name: str, filename: str):
        super().__init__(name, filename)
        self.measured: dict[tuple[str, float], float] = {}

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        """ReportLab's, remembered (the same value, not a scaled one: lines
        break exactly where they did)."""
        key = (text, size)
        width = self.measured.get(key)
        if width is None:
            if len(self.measured) >= MEASURED_MAX:
                self.measured.clear()
            width = self.measured[key] = super().stringWidth(text, size, encoding)
        return width
