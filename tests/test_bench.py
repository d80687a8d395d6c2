"""A smoke run of the benchmark: the scripts work and the table has every row.

Timings are not asserted: shared machines are too noisy for that. `make bench`
measures for real.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_make_deck_is_deterministic_and_every_card_fits(tmp_path):
    from cards.build import check

    for name in ("a", "b"):
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "make_deck.py"), "40", str(tmp_path / name)],
            check=True,
        )
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.md"))
    assert len(files_a) == 1 + 4 + 40  # deck, sections of twelve, techniques
    for path in files_a:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()
    assert not [p for p in check(tmp_path / "a") if p.level == "error"]


def test_floor_draws_the_same_cards(tmp_path):
    from pdfcheck import page_count

    out = tmp_path / "floor.pdf"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "floor.py"),
            str(REPO / "content" / "foot-massage"),
            str(out),
        ],
        check=True,
    )
    assert page_count(out) == 2


def test_bench_smoke(tmp_path):
    notes = tmp_path / "r.md"
    notes.write_text(
        "# Results\n\n<!-- bench:start -->\nold table\n<!-- bench:end -->\n\nThe profile notes.\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench.py"),
            "--sizes",
            "13,20",
            "--runs",
            "1",
            "--against",
            "HEAD",
            "--no-typst",
            "--out",
            str(tmp_path / "r.md"),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=240,
    )
    table = notes.read_text()
    assert table.startswith("# Results\n\n<!-- bench:start -->\nMachine: ")
    assert table.endswith("<!-- bench:end -->\n\nThe profile notes.\n")  # the notes are kept
    assert "old table" not in table
    assert result.stdout.strip() in table
    for row in ("| 13 | cards |", "| 13 | booklet |", "| 20 | floor |", "| 20 | cards before |"):
        assert row in table
    assert "cores" in table and "`cards --help`" in table
