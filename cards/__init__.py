"""cards: turn a folder of Markdown into print-ready pocket cards and booklets.

The command is ``cards``; from Python, ``cards.build`` has the same in functions:
``load``, ``check`` and ``build`` with a ``BuildSettings``.
"""

from __future__ import annotations

__version__ = "0.2.0"
