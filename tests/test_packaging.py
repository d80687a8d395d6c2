"""The wheel carries the layouts, the diagrams and the default deck, so `cards build`
works anywhere."""

from __future__ import annotations

import os
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
    [wheel] = tmp_path.glob("cardpress-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for layout in (REPO / "templates").rglob("*.j2"):
        assert f"cards/_data/templates/{layout.relative_to(REPO / 'templates').as_posix()}" in names
    deck = REPO / "content" / "foot-massage"
    for file in deck.rglob("*.md"):
        assert f"cards/_data/content/foot-massage/{file.relative_to(deck).as_posix()}" in names
    for diagram in (REPO / "diagrams").glob("*.svg"):
        assert f"cards/_data/diagrams/{diagram.name}" in names
    assert "cards/cli/__init__.py" in names
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "cards = cards.cli:main" in entry_points
    assert "cards/py.typed" in names
    # the wheel alone, without the repository, builds the default deck
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    where = subprocess.run(
        [sys.executable, "-c", "import cards; print(cards.__file__)"],
        cwd=empty, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(unpacked))
    built = subprocess.run(
        [sys.executable, "-m", "cards", "build", "-q"],
        cwd=empty, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in (empty / "out").glob("*.pdf")) == [
        "foot-massage-booklet-imposed.pdf",
        "foot-massage-booklet.pdf",
        "foot-massage-cards.pdf",
    ]
