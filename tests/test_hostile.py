"""Hostile files stay small: every case is built at run time (nothing large is
committed), run as `cards` in a child process, and held to a bound of time and
memory measured from that process, as well as to one line naming the file."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, small_deck, technique, write_deck

MEMORY_MB = 300  # the bound for every hostile input
SECONDS = 20  # a generous wall-clock bound on a loaded 2-core machine; most take 1-2 s


@dataclass(frozen=True)
class Ran:
    code: int
    output: str
    seconds: float
    peak_mb: float


def cards(*args: str, cwd: Path) -> Ran:
    """`cards ARGS` in a child process; its exit code, output, time and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1700000000"}
    script = (
        "import resource, sys\n"
        "limit = 2 * 1024 ** 3\n"  # a runaway is stopped, and then fails the test
        "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
        "from cards.cli import main\n"
        "sys.argv = ['cards', *sys.argv[1:]]\n"
        "main()\n"
    )
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    process = subprocess.run(
        [sys.executable, "-c", script, *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=SECONDS * 3,
    )
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: a child larger
    # than every earlier one shows as it is; a smaller one is bounded by them
    return Ran(
        process.returncode, process.stdout + process.stderr, seconds, max(peak, before) / 1024
    )


def bounded(ran: Ran) -> None:
    assert ran.seconds < SECONDS, ran
    assert ran.peak_mb < MEMORY_MB, ran
    assert "internal error" not in ran.output and "Traceback" not in ran.output, ran.output


# -- files that are not what they claim ----------------------------------------------------------

FRONT = "layouts/card/front.xml.j2"


@pytest.mark.parametrize("where", ["image", "figure", "diagram"])
def test_a_fifo_in_the_deck_is_refused_at_once(tmp_path, where):
    files = small_deck()
    if where == "image":
        files["01-one/01-alpha.md"] = technique("Alpha", image="trap.png")
    else:
        files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
        element = (
            '<figure src="trap.png" width_mm="10"><para>x</para></figure>'
            if where == "figure"
            else '<diagram src="trap.svg" width_mm="10"/>'
        )
        files[FRONT] = f"<card>{element}</card>\n"
    deck = write_deck(tmp_path / "deck", files)
    for name in ("trap.png", "trap.svg"):
        os.mkfifo(deck / name)
    os.mkfifo(deck / "01-one" / "trap.png")
    ran = cards("build", "deck", "-o", "out", cwd=tmp_path)
    bounded(ran)
    assert ran.code == 1
    assert "a FIFO, not a regular file" in ran.output, ran.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_a_sparse_svg_of_gigabytes_is_refused_before_it_is_read(tmp_path):
    deck = write_deck(
        tmp_path / "deck",
        small_deck(**{"01-one/01-alpha.md": technique("Alpha", diagram="huge.svg")}),
    )
    with open(deck / "01-one" / "huge.svg", "wb") as sparse:
        sparse.truncate(1_500_000_000)
    ran = cards("check", "deck", cwd=tmp_path)
    bounded(ran)
    assert ran.code == 1
    assert "the SVG is 1,500,000,000 bytes; the limit is 2,000,000" in ran.output


# -- all or nothing ------------------------------------------------------------------------------


def test_a_disk_that_fills_during_a_build_leaves_every_earlier_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cards.cli import main
    from cards.output import files

    deck = write_deck(tmp_path / "deck", small_deck())
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(deck), "-o", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(before) == 3
    (deck / "01-one" / "01-alpha.md").write_text(technique("Changed"))
    copied = []
    original = files.copy_into

    def fills_up(data, stream):
        copied.append(data)
        if len(copied) == 2:  # the second file: the disk is full
            raise OSError(28, "No space left on device")
        original(data, stream)

    monkeypatch.setattr(files, "copy_into", fills_up)
    result = runner.invoke(main, ["build", str(deck), "-o", str(out)])
    assert result.exit_code == 1
    assert "cannot write the file: the disk is full" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "byte for byte, no temporary"


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path):
    write_deck(tmp_path / "deck", small_deck())
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".deck-cards.pdf.k3j2h1.tmp"
    leftover.write_bytes(b"%PDF-" + b"0" * 100_000)
    mine = out / ".notes.tmp"  # not a build's: kept
    mine.write_text("mine")
    ran = cards("build", "deck", "-o", "out", "-f", "cards", cwd=tmp_path)
    assert ran.code == 0, ran.output
    assert not leftover.exists() and mine.exists()


def test_an_out_folder_inside_the_deck_is_not_read_as_a_section(tmp_path):
    write_deck(tmp_path / "deck", small_deck())
    for _ in range(2):
        ran = cards("build", ".", cwd=tmp_path / "deck")  # -o out: inside the deck
        assert ran.code == 0, ran.output
        assert "warning" not in ran.output and "error" not in ran.output
    assert len(list((tmp_path / "deck" / "out").glob("*.pdf"))) == 3


# -- sheets that are inert -----------------------------------------------------------------------

FORMULAS = {
    "title": '=HYPERLINK("http://example.invalid/x","click")',
    "hold": "+1+2",
    "repeat": "@SUM(A1:A2)",
}


def formula_deck(tmp_path: Path) -> Path:
    technique_text = (
        "---\n"
        'title: \'=HYPERLINK("http://example.invalid/x","click")\'\n'
        "hold: '+1+2'\n"
        "repeat: '@SUM(A1:A2)'\n"
        "---\n- first step\n- second step\n"
    )
    return write_deck(tmp_path / "deck", small_deck(**{"01-one/01-alpha.md": technique_text}))


def test_an_exported_workbook_holds_no_formula_and_reads_back_exactly(tmp_path):
    import openpyxl

    deck = formula_deck(tmp_path)
    ran = cards("export", "deck", "deck.xlsx", cwd=tmp_path)
    assert ran.code == 0, ran.output
    workbook = openpyxl.load_workbook(tmp_path / "deck.xlsx")
    kinds = {cell.data_type for sheet in workbook for row in sheet.iter_rows() for cell in row}
    assert "f" not in kinds
    titles = [row[1].value for row in workbook["techniques"].iter_rows(min_row=2)]
    assert FORMULAS["title"] in titles
    ran = cards("import", "deck.xlsx", "again", cwd=tmp_path)
    assert ran.code == 0, ran.output
    from cards.content import load_deck

    before, _ = load_deck(deck)
    after, _ = load_deck(tmp_path / "again")
    mine = [(t.title, t.hold, t.repeat, t.body) for t in before.techniques]
    assert [(t.title, t.hold, t.repeat, t.body) for t in after.techniques] == mine
    assert after.techniques[0].title.startswith("=HYPERLINK(")  # text, quotes set typographically


def test_an_exported_csv_neutralises_formulas_and_reads_back_exactly(tmp_path):
    import csv

    formula_deck(tmp_path)
    ran = cards("export", "deck", "deck.csv", cwd=tmp_path)
    assert ran.code == 0, ran.output
    text = (tmp_path / "deck.csv").read_text(encoding="utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not dangerous, dangerous
    assert "'" + FORMULAS["title"] in cells and "'- first step\n- second step" in cells
    ran = cards("import", "deck.csv", "again", "--title", "Test Deck", cwd=tmp_path)
    assert ran.code == 0, ran.output
    again = min((tmp_path / "again" / "01-first").glob("01-*.md")).read_text()
    for value in FORMULAS.values():
        assert value in again
    assert again.endswith("- first step\n- second step\n")
