"""`cards new`: a small deck that builds as it is and shows every field."""

from __future__ import annotations

from pathlib import Path

DECK_INDEX = """---
title: {title}
subtitle: A first deck
author: Your name
language: en
# languages: [en, de]         the deck in several languages: 01-x.de.md beside 01-x.md
# templates: my-layouts     a folder of your own layouts, beside this file
# labels:                    your own words for what the layouts print
#   hold: Keep it
# diagram: foot-sole          a diagram for every technique: an SVG in the deck,
#                             or a built-in one (foot-sole, foot-top, foot-inner)
# hyphenate: true             break words at syllables (off: clearer for patients)
# contact: |                  the booklet's back cover
#   Your clinic, 1 High Street
#   Phone 01234 567 890
# url: example.org/stretches  printed on the back cover, with a QR code
# logo: logo.png              a picture in the deck, on the booklet's covers
# logo_alt: Sunny Feet Clinic  what the logo says, for screen readers
# fonts: [fonts/house.ttf]    fonts in the deck (.ttf, .otf) for letters no shipped font has
# reviewed: 2026-11           the month of the last clinical review (back cover)
# sources:                    where the advice comes from (back cover)
#   - NHS: Foot care
# plain_words:                long words `cards review` should flag, and what to say
#   utilise: use
# review: {{passive: false, grade: 7}}   switches for `cards review`
---
A few words about the deck. They open the booklet.

## Before you start

- Say what to watch out for.
"""

SECTION_INDEX = """---
title: Warm-up
colour: "#2A6CB8"
weight: 1
diagram: upper-body.svg
---
What this section is for, in a sentence. It opens the section in the booklet.
"""

FIRST = """---
title: Neck Rolls
hold: 5 seconds
repeat: 3 times each way
pressure: gentle
weight: 1
image: neck.svg
alt: A head tilted towards the right shoulder
areas: neck
arrows: arrow-roll
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
diagram: upper-body.svg
areas: [shoulder-left, shoulder-right]
arrows: arrow-lift
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


# The section's diagram: each id is a part a technique can light with `areas:`;
# paths of class "arrow" stay hidden until a technique names them in `arrows:`.
UPPER_BODY_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="60" height="80" viewBox="0 0 60 80">
  <path d="M 4 78 C 4 64, 10 57, 22 55 L 38 55 C 50 57, 56 64, 56 78"
        fill="#FFFFFF" stroke="#7A7A7A" stroke-width="0.8"/>
  <path id="shoulder-left" d="M 6 70 C 7 62, 12 58, 22 56 L 23 62 C 15 63, 11 66, 10 71 Z"
        fill="none" stroke="none"/>
  <path id="shoulder-right" d="M 54 70 C 53 62, 48 58, 38 56 L 37 62 C 45 63, 49 66, 50 71 Z"
        fill="none" stroke="none"/>
  <path id="neck" d="M 24 38 L 24 56 C 27 58, 33 58, 36 56 L 36 38 Z"
        fill="#FFFFFF" stroke="#7A7A7A" stroke-width="0.8"/>
  <ellipse id="head" cx="30" cy="26" rx="11" ry="14" fill="#FFFFFF" stroke="#7A7A7A"
           stroke-width="0.8"/>
  <path id="arrow-roll" class="arrow" d="M 14 18 C 12 34, 20 44, 30 45 C 40 44, 48 34, 46 18"/>
  <path id="arrow-lift" class="arrow both" d="M 14 52 L 14 40"/>
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
        path / "01-warm-up" / "upper-body.svg": UPPER_BODY_SVG,
    }
    for file, text in files.items():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    return list(files)
