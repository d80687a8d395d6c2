"""Content: a deck folder read into the model, every rule of the contract checked.

The stages, one module each: ``files`` (bytes to front matter and body),
``fields`` (each field's rule), ``markdown`` (bodies to inline markup),
``diagrams`` (which SVG, which parts) and ``deck`` (folders to the model, and
the deck-wide rules). ``load_deck`` is the way in.
"""

from __future__ import annotations

from cards.content.deck import load_deck

__all__ = ["load_deck"]
