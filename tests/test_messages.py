"""Messages that name the root cause once: a section given as a deck, a missing
diagram or picture with the file most likely meant, no error repeated for what
follows from another, a tab in YAML, a spreadsheet's own words."""

from __future__ import annotations

from conftest import DEFAULT_DECK, small_deck, technique, write_deck


def lines(result) -> list[str]:
    return result.output.splitlines()


def test_a_section_given_as_the_deck_names_the_deck(run, deck_dir):
    deck_dir(small_deck())
    result = run("build", "test-deck/01-one", "-o", "out")
    assert result.exit_code == 1
    assert lines(result) == [
        (
            "test-deck/01-one/_index.md:1: error: this folder is a section of the deck in "
            "test-deck, not a deck: build the deck (cards build test-deck), or --section 01-one "
            "for its cards alone"
        ),
        "1 error; nothing was written",
    ]


def test_a_missing_diagram_suggests_the_file_meant_and_nothing_else(run, deck_dir, tmp_path):
    sole = (DEFAULT_DECK.parent.parent / "diagrams" / "foot-sole.svg").read_text()
    files = small_deck(
        **{
            "body.svg": sole,
            "01-one/01-alpha.md": technique("Alpha", diagram="body", areas="heel", arrows="x"),
            "01-one/02-beta.md": technique("Beta", diagram="Body.SVG", areas="heel"),
        }
    )
    deck_dir(files)
    result = run("check", "test-deck")
    assert result.exit_code == 1
    assert lines(result) == [
        (
            "test-deck/01-one/01-alpha.md:3: error: diagram 'body' is neither an SVG file in the "
            "deck nor a built-in diagram; did you mean '../body.svg'? built-in: foot-inner, "
            "foot-sole, foot-top"
        ),
        (
            "test-deck/01-one/02-beta.md:3: error: diagram 'Body.SVG' not found beside "
            "02-beta.md; did you mean '../body.svg'?"
        ),
        "2 errors, 0 warnings",
    ]


def test_a_section_diagram_that_fails_is_reported_once(run, deck_dir):
    files = small_deck(
        **{
            "01-one/_index.md": "---\ntitle: First\ndiagram: hand.svg\n---\n",
            "01-one/01-alpha.md": technique("Alpha", areas="heel"),
            "01-one/02-beta.md": technique("Beta", areas="ball", arrows="arrow-slide"),
        }
    )
    deck_dir(files)
    result = run("check", "test-deck")
    assert lines(result) == [
        "test-deck/01-one/_index.md:3: error: diagram 'hand.svg' not found beside _index.md",
        "1 error, 0 warnings",
    ]


def test_a_missing_picture_suggests_the_file_meant(run, deck_dir, tmp_path):
    from PIL import Image

    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", image="Phone.PNG")}))
    Image.new("RGB", (20, 20), "white").save(folder / "01-one" / "phone.png")
    result = run("check", "test-deck")
    assert (
        "test-deck/01-one/01-alpha.md:3: error: image 'Phone.PNG' not found beside "
        "01-alpha.md; did you mean 'phone.png'?"
    ) in lines(result)
    other = small_deck(**{"01-one/01-alpha.md": technique("Alpha", image="phone")})
    folder2 = write_deck(tmp_path / "other", other)
    (folder2 / "01-one" / "pictures").mkdir()
    Image.new("RGB", (20, 20), "white").save(folder2 / "01-one" / "pictures" / "phone.jpg")
    result = run("check", "other")
    assert lines(result)[0] == (
        "other/01-one/01-alpha.md:3: error: image must be a PNG, JPEG or SVG file (got "
        "'phone'); did you mean 'pictures/phone.jpg'?"
    )


def test_a_tab_in_front_matter_says_use_spaces(run, deck_dir):
    body = "---\ntitle: Alpha\nareas:\n\t- heel\n---\n1. Press.\n"
    deck_dir(small_deck(**{"01-one/01-alpha.md": body}))
    result = run("check", "test-deck")
    assert lines(result) == [
        (
            "test-deck/01-one/01-alpha.md:4: error: tab: use spaces to indent front matter "
            "(YAML allows no tabs)"
        ),
        "1 error, 0 warnings",
    ]


def test_a_sheet_without_a_diagram_column_says_to_fill_it(run, tmp_path):
    (tmp_path / "hands.csv").write_text(
        "section,title,areas,steps\nHands,Palm Press,heel,Press the palm.\n", encoding="utf-8"
    )
    result = run("import", "hands.csv", "hands")
    assert result.exit_code == 1
    assert lines(result)[0] == (
        "hands.csv:2: error: areas need a diagram: name it in the row's diagram column (add "
        "the column if the sheet has none): foot-sole, foot-top, foot-inner or an SVG in the deck"
    )
    assert not (tmp_path / "hands").exists()
