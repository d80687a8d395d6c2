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


def test_tree_cost_counts_every_element_and_floors_the_tree_below_what_is_written(tmp_path):
    """benchmarks/tree_cost.py, on the default deck's cards with and without
    tags: it finds every structure element of the file (counted here as the
    objects that name a parent), splits the growth into marked content and
    tree, and its floor for the tree is below what the tree takes."""
    import pikepdf
    from click.testing import CliRunner

    from cards.cli import main

    sys.path.insert(0, str(REPO / "benchmarks"))
    from tree_cost import report, tree_cost

    for name, extra in (("tagged", []), ("untagged", ["--no-tags"])):
        result = CliRunner().invoke(
            main, ["build", str(REPO / "content" / "foot-massage"), "-f", "cards",
                   "-o", str(tmp_path / name), *extra]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    tagged = tmp_path / "tagged" / "foot-massage-cards.pdf"
    untagged = tmp_path / "untagged" / "foot-massage-cards.pdf"
    cost = tree_cost(tagged, untagged)
    with pikepdf.open(tagged) as pdf:
        named = [
            o for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and "/S" in o and "/P" in o
        ]  # fmt: skip
    assert cost.elements == len(named) > 13 * 10  # some ten elements a card at least
    assert cost.growth_bytes == tagged.stat().st_size - untagged.stat().st_size
    assert 0 < cost.content_growth_bytes < cost.growth_bytes
    assert 0 < cost.floor_bytes < cost.growth_bytes - cost.content_growth_bytes
    assert f"structure elements: {cost.elements:,}" in report(cost)
