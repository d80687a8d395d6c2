"""A tool people enjoy: new decks, previews, overrides, pictures, labels, watch, output."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, pocket_slot, small_deck, technique, technique_card
from pdfcheck import all_text, close, pixel_mm, render
from PIL import Image

BENCH = REPO / "benchmarks"


def test_new_deck_builds_as_it_is(run):
    result = run("new", "my-stretches")
    assert result.exit_code == 0, result.output
    assert "created my-stretches/_index.md" in result.output
    assert "cards build my-stretches" in result.output
    result = run("build", "my-stretches")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    text = all_text(Path("out/my-stretches-cards.pdf"))
    assert "Neck Rolls" in text and "Shoulder Squeeze" in text


def test_new_refuses_an_existing_folder(run):
    Path("taken").mkdir()
    (Path("taken") / "keep.txt").write_text("mine")
    result = run("new", "taken")
    assert result.exit_code == 1
    assert (
        result.output == "error: taken already exists; choose a new folder (nothing was changed)\n"
    )
    assert (Path("taken") / "keep.txt").read_text() == "mine"


def test_scaffold_shows_every_field():
    from cards.content.fields import DECK_FIELDS, SECTION_FIELDS, TECHNIQUE_FIELDS
    from cards.scaffold import DECK_INDEX, FIRST, SECOND, SECTION_INDEX

    technique_text = FIRST + SECOND
    for field in TECHNIQUE_FIELDS:
        assert f"\n{field.name}:" in technique_text, field.name
    for field in SECTION_FIELDS:
        assert f"\n{field.name}:" in SECTION_INDEX
    for field in DECK_FIELDS:
        assert f"{field.name}:" in DECK_INDEX


def test_preview_writes_pngs_of_the_right_size(run, deck_dir):
    folder = deck_dir(small_deck())
    result = run("preview", folder)
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.output.splitlines()]
    assert [p.name for p in paths] == [
        "test-deck-cards-1.png",
        "test-deck-booklet-1.png",
        "test-deck-booklet-2.png",
        "test-deck-booklet-3.png",
        "test-deck-booklet-4.png",
    ]
    assert all(p.parent == Path("out/preview") for p in paths)
    assert Image.open(paths[0]).size == (1170, 827)  # A4 landscape at 100 dpi, rounded up
    assert Image.open(paths[1]).size == (583, 827)  # A5 at 100 dpi


def write_override(folder: Path, name: str, old: str, new: str) -> None:
    builtin = (REPO / "templates" / name).read_text()
    assert old in builtin
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(builtin.replace(old, new))


def test_template_override_wins_and_the_rest_fall_back(run, deck_dir, tmp_path):
    layouts = tmp_path / "layouts"
    write_override(
        layouts,
        "card/front.xml.j2",
        "  <footer>",
        "  <note>Keep away from eyes.</note>\n  <footer>",
    )
    folder = deck_dir(small_deck())
    result = run("build", folder, "--templates", layouts)
    assert result.exit_code == 0, result.output
    cards = all_text(Path("out/test-deck-cards.pdf"))
    assert cards.count("Keep away from eyes.") == 3
    booklet = all_text(Path("out/test-deck-booklet.pdf"))
    assert "Keep away from eyes." not in booklet and "Contents" in booklet  # built-in booklet


def test_a_deck_can_name_its_own_templates(run, deck_dir):
    files = small_deck(**{"_index.md": "---\ntitle: Test Deck\ntemplates: layouts\n---\n"})
    folder = deck_dir(files)
    write_override(
        folder / "layouts",
        "card/front.xml.j2",
        "  <footer>",
        "  <note>Deck layout.</note>\n  <footer>",
    )
    assert run("build", folder, "-f", "cards").exit_code == 0
    assert "Deck layout." in all_text(Path("out/test-deck-cards.pdf"))


def test_templates_outside_the_deck_are_refused(deck_dir):
    from cards.build import check

    folder = deck_dir(
        small_deck(**{"_index.md": "---\ntitle: T\ntemplates: ../../elsewhere\n---\n"})
    )
    [problem] = [p for p in check(folder) if p.level == "error"]
    assert problem.line == 3 and "outside the deck folder" in problem.message


def red_png(path: Path) -> None:
    Image.new("RGB", (40, 60), (220, 20, 20)).save(path)


def test_an_image_appears_on_its_card_and_booklet_page(run, deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", image="foot.png")}))
    red_png(folder / "01-one" / "foot.png")
    assert run("build", folder).exit_code == 0
    image = render(Path("out/test-deck-cards.pdf"), 0, 100)
    # its card (after the title card): the picture sits at the right of the
    # text, below the title
    card = pocket_slot(technique_card(0)[1])
    reds = [
        (x, y)
        for x in range(round(card.x_mm) + 29, round(card.x_mm) + 60)
        for y in range(200, 270)
        if close(pixel_mm(image, 297, x + 0.5, y + 0.5, 100), (220, 20, 20), 30)
    ]
    assert reds and min(x for x, _ in reds) > card.x_mm + 63 / 2
    # the first technique page: with no diagram, the picture takes its place,
    # at the left of the text column below the title, the glance beside it
    page = render(Path("out/test-deck-booklet.pdf"), 3, 100)
    reds = [
        (x, y)
        for x in range(14, 134, 2)
        for y in range(100, 190, 2)
        if close(pixel_mm(page, 210, x, y, 100), (220, 20, 20), 30)
    ]
    assert reds and min(x for x, _ in reds) < 148 / 2


def test_svg_images_work_too(run):
    assert run("new", "deck").exit_code == 0  # the scaffold's first technique has an SVG
    assert run("build", "deck", "-f", "cards").exit_code == 0
    image = render(Path("out/deck-cards.pdf"), 0, 100)
    card = pocket_slot(technique_card(0)[1])  # its first technique, after the title card
    blue = [
        (x, y)
        for x in range(round(card.x_mm) + 34, round(card.x_mm) + 63)
        for y in range(215, 265)
        if close(pixel_mm(image, 297, x, y, 100), (0x2A, 0x6C, 0xB8), 40)
    ]
    assert blue


@pytest.mark.parametrize(
    "value, message",
    [
        ("../../../etc/passwd.png", "is outside the deck folder"),
        ("missing.png", "'missing.png' not found beside 01-alpha.md"),
        ("notes.txt", "image must be a PNG, JPEG or SVG file"),
    ],
)
def test_bad_image_paths_are_errors(run, deck_dir, value, message):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", image=value)}))
    result = run("check", folder)
    assert result.exit_code == 1
    assert "test-deck/01-one/01-alpha.md:3: error: " in result.output and message in result.output


def test_german_deck_prints_german_labels(run, deck_dir):
    files = small_deck(**{"_index.md": "---\ntitle: Karten\nlanguage: de\n---\n"})
    files["01-one/04-delta.md"] = technique("Delta")  # a page more: notes pad the booklet
    folder = deck_dir(files)
    assert run("build", folder).exit_code == 0
    assert "fest" in all_text(Path("out/test-deck-cards.pdf"))  # Gamma: pressure firm
    booklet = all_text(Path("out/test-deck-booklet.pdf"))
    assert "Inhalt" in booklet and "Notizen" in booklet and "Contents" not in booklet
    assert "Der Ablauf" in booklet  # the routine page


@pytest.mark.parametrize("language, word", [("fr", "ferme"), ("es", "firme"), ("en", "firm")])
def test_other_label_languages(run, deck_dir, language, word):
    folder = deck_dir(small_deck(**{"_index.md": f"---\ntitle: T\nlanguage: {language}\n---\n"}))
    assert run("build", folder, "-f", "cards").exit_code == 0
    assert word in all_text(Path("out/test-deck-cards.pdf")).split()


def test_labels_in_the_deck_override_the_table(run, deck_dir):
    index = "---\ntitle: T\nlabels:\n  firm: strong\n  contents: What is inside\n---\n"
    folder = deck_dir(small_deck(**{"_index.md": index}))
    assert run("build", folder).exit_code == 0
    assert "strong" in all_text(Path("out/test-deck-cards.pdf"))
    assert "What is inside" in all_text(Path("out/test-deck-booklet.pdf"))


def test_labels_must_be_a_mapping(deck_dir):
    from cards.build import check

    folder = deck_dir(small_deck(**{"_index.md": "---\ntitle: T\nlabels: [hold, firm]\n---\n"}))
    [problem] = check(folder)
    assert (problem.level, problem.line) == ("error", 3)
    assert problem.message.startswith("labels must be a mapping of label names to words")


def test_unknown_label_warns(deck_dir):
    from cards.build import check

    index = "---\ntitle: T\nlabels:\n  firmm: strong\n---\n**Before you start:** go slowly.\n"
    folder = deck_dir(small_deck(**{"_index.md": index}))
    [problem] = check(folder)
    assert (
        problem.level == "warning"
        and problem.message == "unknown label 'firmm'; did you mean 'firm'?"
    )


def test_no_progress_bar_or_colour_when_not_on_a_terminal(run, tmp_path):
    subprocess.run(
        [sys.executable, str(BENCH / "make_deck.py"), "60", str(tmp_path / "big")], check=True
    )
    result = run("build", tmp_path / "big", "-f", "cards")
    assert result.exit_code == 0
    assert "\x1b[" not in result.output and "cards  [" not in result.output
    assert result.output.splitlines()[-1].startswith("out/big-cards.pdf  60 cards")


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    from cards.cli import app as cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli.colour_wanted()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli.colour_wanted()
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not cli.colour_wanted()


def test_progress_bar_only_for_long_builds_on_a_terminal(monkeypatch):
    from cards.cli import app as cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    shown = []

    class Bar:
        def __init__(self, items, **options):
            shown.append(options["length"])
            self.items = items

        def __enter__(self):
            return iter(self.items)

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(cli.click, "progressbar", Bar)
    assert list(cli._progress(range(3), 3, "cards")) == [0, 1, 2] and shown == []
    assert len(list(cli._progress(range(60), 60, "cards"))) == 60 and shown == [60]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert len(list(cli._progress(range(60), 60, "cards"))) == 60 and shown == [60]


def test_quiet_and_verbose(run, deck_dir):
    folder = deck_dir(small_deck())
    assert run("build", folder, "-q").output == ""
    verbose = run("build", folder, "-v", "-f", "cards").output
    assert (
        "read " in verbose
        and "3 techniques" in verbose
        and "wrote out/test-deck-cards.pdf" in verbose
    )


def test_version(run):
    from cards import __version__

    assert run("--version").output == f"{__version__}\n"


def test_watch_rebuilds_after_a_change(tmp_path):
    from conftest import write_deck

    folder = write_deck(tmp_path / "deck", small_deck())
    out = tmp_path / "out"
    pdf = out / "deck-cards.pdf"
    log = tmp_path / "stderr.txt"
    command = [sys.executable, "-m", "cards", "build", str(folder), "-f", "cards", "-o", str(out)]
    with log.open("w") as errors:
        process = subprocess.Popen(
            [*command, "--watch"], stdout=subprocess.PIPE, stderr=errors, text=True
        )
    deadline = time.monotonic() + 60

    def wait_for(done, change) -> bool:
        """Make the change (again every 2 s, in case the watcher was not ready) until done."""
        last = 0.0
        while time.monotonic() < deadline:
            if done():
                return True
            if time.monotonic() - last > 2:
                change()
                last = time.monotonic()
            time.sleep(0.2)
        return done()

    try:
        assert wait_for(lambda: "watching" in log.read_text(), lambda: None)
        assert pdf.exists()
        alpha = folder / "01-one" / "01-alpha.md"
        assert wait_for(
            lambda: "Renamed While Watching" in all_text(pdf),
            lambda: alpha.write_text(technique("Renamed While Watching")),
        )
        beta = folder / "01-one" / "02-beta.md"
        assert wait_for(
            lambda: "02-beta.md:2: error: front matter is not valid YAML" in log.read_text(),
            lambda: beta.write_text("---\ntitle: [broken\n---\n"),
        )
        assert "Renamed While Watching" in all_text(pdf)  # a bad save keeps the last good PDF
    finally:
        process.send_signal(signal.SIGINT)
        out_text, _ = process.communicate(timeout=15)
    err_text = log.read_text()
    assert process.returncode == 0, err_text
    assert "stopped watching" in err_text and "Traceback" not in err_text
    assert out_text.count("deck-cards.pdf") >= 2
