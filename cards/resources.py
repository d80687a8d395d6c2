"""Where the files shipped with the tool live: layouts, the default deck, diagrams.

Inside an installed wheel they are under ``cards/_data``; in a checkout they
stand beside the package, at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``templates``, ``content`` or ``diagrams``: in the wheel, or beside the package."""
    installed = PACKAGE_DIR / "_data" / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def builtin_diagrams() -> dict[str, Path]:
    """The built-in diagrams by name (``foot-sole`` …)."""
    return {p.stem: p for p in sorted(data_dir("diagrams").glob("*.svg"))}
