"""cards: turn a folder of Markdown into print-ready pocket cards and booklets."""

from __future__ import annotations

__version__ = "0.1.0"
