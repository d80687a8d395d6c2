"""Write a deterministic synthetic deck of N techniques in the contract's format.

    python benchmarks/make_deck.py 1000 /tmp/deck-1000

About twelve techniques per section, 40–90 words each in numbered steps
(capped at 400 characters, so that every card fits at the normal size or a
smaller one), with hold and pressure fields and a few curly quotes and
dashes. The same N always gives the same files.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

WORDS = [
    "press",
    "slide",
    "hold",
    "the",
    "heel",
    "sole",
    "toe",
    "ankle",
    "thumb",
    "gently",
    "firmly",
    "slowly",
    "palm",
    "knuckle",
    "arch",
    "foot",
    "both",
    "hands",
    "towards",
    "away",
    "from",
    "along",
    "each",
    "side",
    "of",
    "and",
    "then",
    "with",
    "your",
    "relax",
    "breathe",
    "warm",
    "oil",
    "circle",
    "knead",
    "stroke",
    "tendon",
    "instep",
]
PER_SECTION = 12
COLOURS = ("#2A6CB8", "#5A2A0A", "#00777F", "#3F1942", "#946300", "#173D22", "#B8365F", "#1F3553")
PRESSURES = ("gentle", "medium", "firm")


def sentence(rng: random.Random, words: int) -> str:
    """``words`` words; now and then two of them are a dash and a quoted word."""
    chosen = [rng.choice(WORDS) for _ in range(words)]
    if words > 4 and rng.random() < 0.2:
        chosen[-2:] = ["–", f"“{chosen[-1]}”"]
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


# what a pocket card holds at 7.5 pt below its glance strip, with room to spare
MAX_BODY_CHARS = 400


def technique_text(rng: random.Random, number: int) -> str:
    total = rng.randint(40, 90)
    steps, left = [], total
    while left > 0:
        size = min(left, rng.randint(14, 24))
        steps.append(sentence(rng, size))
        left -= size
    while sum(len(s) for s in steps) > MAX_BODY_CHARS:
        words = steps[-1].rstrip(".").split()
        if len(words) <= 4:
            steps.pop()  # a stub of a step costs a line of its own
        else:
            steps[-1] = " ".join(words[:-1]) + "."  # drop words from the end until it fits
    lines = [
        "---",
        f"title: Technique {number} – {rng.choice(WORDS).title()} {rng.choice(WORDS)}",
        f"hold: {rng.randint(5, 30)}–{rng.randint(31, 60)} seconds",
        f"pressure: {rng.choice(PRESSURES)}",
        "---",
    ]
    lines += [f"{i}. {step}" for i, step in enumerate(steps, start=1)]
    return "\n".join(lines) + "\n"


def make_deck(count: int, folder: Path) -> None:
    rng = random.Random(count)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_index.md").write_text(
        f"---\ntitle: Synthetic {count}\nsubtitle: A benchmark deck\n---\nA deck for measuring.\n",
        encoding="utf-8",
    )
    for index in range(count):
        section = index // PER_SECTION + 1
        section_dir = folder / f"{section:04d}-section"
        if index % PER_SECTION == 0:
            section_dir.mkdir(exist_ok=True)
            colour = COLOURS[(section - 1) % len(COLOURS)]
            (section_dir / "_index.md").write_text(
                f'---\ntitle: Section {section}\ncolour: "{colour}"\n---\nSection {section} intro.\n',
                encoding="utf-8",
            )
        (section_dir / f"{index % PER_SECTION + 1:02d}-technique.md").write_text(
            technique_text(rng, index + 1), encoding="utf-8"
        )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_deck.py N DIR")
    make_deck(int(sys.argv[1]), Path(sys.argv[2]))
