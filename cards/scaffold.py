"""`cards new`: a small deck that builds as it is and shows every field."""

from __future__ import annotations

from pathlib import Path

DECK_INDEX = """---
title: {title}
subtitle: A first deck
author: Your name
language: en
# templates: my-layouts     a folder of your own layouts, beside this file
# labels:                    your own words for what the layouts print
#   hold: Keep it
---
A few words about the deck. They open the booklet.

## Before you start

- Say what to watch out for.
"""

SECTION_INDEX = """---
title: Warm-up
colour: "#2A6CB8"
weight: 1
---
What this section is for, in a sentence or two. It goes on the section's
divider page in the booklet.
"""

FIRST = """---
title: Neck Rolls
hold: 5 seconds
repeat: 3 times each way
pressure: gentle
weight: 1
image: neck.svg
---
1. Sit tall and let your shoulders drop.
2. Lower your chin towards your chest.
3. Roll your head slowly towards the right shoulder, then back.
4. Repeat on the left side.
"""

SECOND = """---
title: Shoulder Squeeze
hold: 10 seconds
repeat: 5 times
pressure: medium
weight: 2
draft: false
---
1. Lift both shoulders towards your ears.
2. Squeeze them **gently**, and breathe out as you let go.

Keep your *jaw* relaxed throughout.
"""

NECK_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="60" height="80" viewBox="0 0 60 80">
  <circle cx="30" cy="22" r="14" fill="none" stroke="#2A6CB8" stroke-width="3"/>
  <path d="M30 36 L30 58 M14 48 L46 48 M30 58 L18 78 M30 58 L42 78"
        fill="none" stroke="#2A6CB8" stroke-width="3" stroke-linecap="round"/>
  <path d="M44 10 A18 18 0 0 1 48 30" fill="none" stroke="#1A1A1A" stroke-width="2"/>
</svg>
"""


class ScaffoldError(Exception):
    pass


def new_deck(path: Path) -> list[Path]:
    """Write the scaffold into ``path``, which must not exist yet; returns the files."""
    if path.exists():
        raise ScaffoldError(f"{path} already exists; choose a new folder (nothing was changed)")
    title = path.name.replace("-", " ").replace("_", " ").strip().title() or "My Deck"
    files = {
        path / "_index.md": DECK_INDEX.format(title=title),
        path / "01-warm-up" / "_index.md": SECTION_INDEX,
        path / "01-warm-up" / "01-neck-rolls.md": FIRST,
        path / "01-warm-up" / "02-shoulder-squeeze.md": SECOND,
        path / "01-warm-up" / "neck.svg": NECK_SVG,
    }
    for file, text in files.items():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    return list(files)
