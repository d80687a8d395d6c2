"""The wheel carries the layouts, the diagrams and the default deck, so `cards build`
works anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import REPO


def test_wheel_carries_templates_and_default_deck(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("cards-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for layout in (REPO / "templates").rglob("*.j2"):
        assert f"cards/_data/templates/{layout.relative_to(REPO / 'templates').as_posix()}" in names
    deck = REPO / "content" / "foot-massage"
    for file in deck.rglob("*.md"):
        assert f"cards/_data/content/foot-massage/{file.relative_to(deck).as_posix()}" in names
    for diagram in (REPO / "diagrams").glob("*.svg"):
        assert f"cards/_data/diagrams/{diagram.name}" in names
    assert "cards/cli.py" in names
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "cards = cards.cli:main" in entry_points
