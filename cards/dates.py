"""The one date a build uses, for the PDF metadata and the printed edition line.

It comes from the content, not the clock: ``SOURCE_DATE_EPOCH`` when set (as
reproducible-build tools do), else the newest content file. So the same deck
builds to the same bytes, and the edition line changes only when the content
does.
"""

from __future__ import annotations

import os
import time

from cards.model import Deck


def build_epoch(deck: Deck) -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    return int(deck.newest_mtime)


def build_month(deck: Deck) -> tuple[int, int]:
    """Year and month of the build date (UTC): an edition line's precision."""
    moment = time.gmtime(build_epoch(deck))
    return moment.tm_year, moment.tm_mon
