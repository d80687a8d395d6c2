"""Time `cards build` against the commit before, Typst and the raw-canvas floor.

    python benchmarks/bench.py [--sizes 13,1000,5000] [--runs 5] [--against REV]
                               [--out benchmarks/results.md]

For each deck size: a warm-up of every command, then RUNS rounds, each
running `cards build -f cards`, the same at REV (a git worktree of that
commit, run with this environment), the floor, Typst's cards, `cards build
-f booklet` and the booklet at REV, so every ratio is taken against a run
made moments before. Reports the median wall time, the peak memory (max RSS
of the largest process of the build: its workers and assembly process
count, as they would on a user's machine), the output size and the median
ratios, as a Markdown table on stdout and in OUT with the machine's core
count and the date. Typst's Python package is installed for the run when it
is missing (the project never depends on it).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# a script beside this one
from tree_cost import report as tree_report
from tree_cost import tree_cost

REPO = HERE.parent
DEFAULT_DECK = REPO / "content" / "foot-massage"


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (kB) of one whole process (and the largest of
    the processes it waited for). It runs in a neutral folder: in the checkout,
    ``python -m cards`` would import the checkout's package whatever the
    environment says (the commit before comes by PYTHONPATH)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def deck_for(size: int, work: Path) -> Path:
    if size == 13:
        return DEFAULT_DECK
    folder = work / f"deck-{size}"
    if not folder.exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_deck.py"), str(size), str(folder)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder


def measure(
    size: int, runs: int, work: Path, previous: Path | None, with_typst: bool = True
) -> list[dict]:
    deck = deck_for(size, work)
    out, before = work / f"out-{size}", work / f"before-{size}"
    floor_pdf, typst_pdf = work / f"floor-{size}.pdf", work / f"typst-{size}.pdf"

    # the 13-card deck is the default deck as each revision ships it: its
    # content names the diagrams' areas of that revision
    deck_before = previous / "content" / "foot-massage" if previous and size == 13 else deck

    def cards(what: str, where: Path, source: Path = deck) -> list[str]:
        return [sys.executable, "-m", "cards", "build", str(source), "-f", what, "-o", str(where)]

    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "cards": (cards("cards", out), None),
        "floor": ([sys.executable, str(HERE / "floor.py"), str(deck), str(floor_pdf)], None),
        "typst": ([sys.executable, str(HERE / "typst_peer.py"), str(deck), str(typst_pdf)], None),
        "booklet": (cards("booklet", out), None),
        # the same cards without the structure tree: what tagging costs
        "cards untagged": ([*cards("cards", work / f"untagged-{size}"), "--no-tags"], None),
    }
    if not with_typst:
        del commands["typst"]
    if previous is not None:
        env = {**os.environ, "PYTHONPATH": str(previous)}
        commands["cards before"] = (cards("cards", before, deck_before), env)
        commands["booklet before"] = (cards("booklet", before, deck_before), env)
    order = [
        "cards",
        "cards untagged",
        "cards before",
        "floor",
        "typst",
        "booklet",
        "booklet before",
    ]
    order = [name for name in order if name in commands]
    for command, env in commands.values():
        run(command, env)  # warm-up: file cache, .pyc files
    times: dict[str, list[float]] = {name: [] for name in order}
    rss: dict[str, int] = {name: 0 for name in order}
    for _ in range(runs):
        for name in order:
            seconds, peak = run(*commands[name])
            times[name].append(seconds)
            rss[name] = max(rss[name], peak)
    ratios = {  # pair by pair, each round's against the same round's
        (name, against): statistics.median(
            mine / theirs for mine, theirs in zip(times[name], times[against], strict=True)
        )
        for name, against in [
            ("cards", "floor"),
            ("booklet", "floor"),
            ("cards", "typst"),
            ("cards", "cards before"),
            ("cards", "cards untagged"),
            ("booklet", "booklet before"),
        ]
        if against in times
    }
    slug = deck.name

    def booklet_bytes(folder: Path) -> int:
        return sum(
            (folder / f"{slug}-{n}.pdf").stat().st_size for n in ("booklet", "booklet-imposed")
        )

    sizes = {
        "cards": (out / f"{slug}-cards.pdf").stat().st_size,
        "cards untagged": (work / f"untagged-{size}" / f"{slug}-cards.pdf").stat().st_size,
        "booklet": booklet_bytes(out),
        "floor": floor_pdf.stat().st_size,
    }
    if with_typst:
        sizes["typst"] = typst_pdf.stat().st_size
    if previous is not None:
        sizes["cards before"] = (before / f"{slug}-cards.pdf").stat().st_size
        sizes["booklet before"] = booklet_bytes(before)
    rows = []
    for name in order:
        median = statistics.median(times[name])
        rows.append(
            {
                "deck": size,
                "what": name,
                "median_s": median,
                "per_card_ms": 1000 * median / size,
                "rss_mb": rss[name] / 1024,
                "bytes": sizes[name],
                "to_floor": ratios.get((name, "floor")),
                "to_typst": ratios.get((name, "typst")),
                "to_before": ratios.get((name, f"{name} before")),
                "to_untagged": ratios.get((name, f"{name} untagged")),
            }
        )
    return rows


def worktree(revision: str, work: Path) -> Path:
    """The package as it was at ``revision``, checked out beside the work."""
    folder = work / "before"
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(folder), revision],
        check=True,
        capture_output=True,
    )
    compileall.compile_dir(folder / "cards", quiet=1)
    return folder


def ensure_typst() -> None:
    """Typst's Python package, installed for the benchmark when missing."""
    try:
        import typst  # noqa: F401
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "typst>=0.15,<0.16"], check=True
        )


WATCH_SCRIPT = """
import statistics, sys, time
from pathlib import Path
from cards.build import BuildServices, BuildSettings, build, new_cache
from cards.workers import available_cores
deck, out = Path(sys.argv[1]), Path(sys.argv[2])
# as `cards build --watch` runs: every core (--jobs defaults to them)
cache = new_cache()
services = BuildServices(cache=cache)
settings = BuildSettings(out_dir=out, jobs=available_cores())
build(deck, settings, services)
cache.settle()  # as the watch loop does after each build, while it waits
edited = sorted(deck.glob("*/02-*.md"))[:3]
times = []
for round, path in enumerate(edited):
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1. ", f"1. Edit {round}, ", 1), encoding="utf-8")
    started = time.perf_counter()
    build(deck, settings, services)
    times.append(time.perf_counter() - started)
    cache.settle()
print(statistics.median(times))
"""


def watch_rebuild(size: int, work: Path) -> tuple[float, float]:
    """A watch session's rebuild after one technique is edited, against a cold
    whole-process build of the same deck (all formats): median seconds of each."""
    deck = work / f"watch-{size}"
    subprocess.run(
        [sys.executable, str(HERE / "make_deck.py"), str(size), str(deck)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    cold = [sys.executable, "-m", "cards", "build", str(deck), "-o", str(work / "watch-cold")]
    run(cold)
    cold_seconds = statistics.median(run(cold)[0] for _ in range(3))
    result = subprocess.run(
        [sys.executable, "-c", WATCH_SCRIPT, str(deck), str(work / "watch-out")],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip().splitlines()[-1]), cold_seconds


def parallel_identical(size: int, work: Path) -> bool:
    """The same deck with --jobs 1 and with every core: the same bytes."""
    deck = deck_for(size, work)
    outputs = []
    for jobs in ("1", str(cores())):
        out = work / f"jobs-{jobs}"
        subprocess.run(
            [sys.executable, "-m", "cards", "build", str(deck), "-o", str(out), "-q",
             "--jobs", jobs],
            check=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
        )  # fmt: skip
        outputs.append([p.read_bytes() for p in sorted(out.glob("*.pdf"))])
    return outputs[0] == outputs[1]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cold_default_deck(work: Path) -> tuple[float, float]:
    """`cards build` (all formats) of the default deck and `cards --help`, best of three."""
    build = [sys.executable, "-m", "cards", "build", str(DEFAULT_DECK), "-o", str(work / "cold")]
    help_ = [sys.executable, "-m", "cards", "--help"]
    return min(run(build)[0] for _ in range(3)), min(run(help_)[0] for _ in range(3))


def table(rows: list[dict], cold: tuple[float, float], extra: dict) -> str:
    machine = (
        f"Machine: {os.cpu_count()} cores, {cores()} used (--jobs {cores()}), "
        f"Python {sys.version.split()[0]}; {date.today().isoformat()}"
    )
    if extra.get("against"):
        machine += f"; before: {extra['against']}"

    def ratio(value: float | None) -> str:
        return f"{value:.2f}×" if value is not None else ""

    lines = [
        machine,
        "",
        (
            "| deck | build | median wall | per card | peak RSS | output "
            "| to the commit before | to Typst | to floor |"
        ),
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['deck']:,} | {r['what']} | {r['median_s']:.2f} s | {r['per_card_ms']:.2f} ms "
            f"| {r['rss_mb']:.0f} MB | {r['bytes'] / 1024:,.0f} KiB | {ratio(r['to_before'])} "
            f"| {ratio(r['to_typst'])} | {ratio(r['to_floor'])} |"
        )
    build, help_ = cold
    lines += [
        "",
        f"Default deck, all formats, cold: {build:.2f} s. `cards --help`: {help_:.2f} s.",
    ]
    for r in rows:
        if r["what"] == "cards" and r["deck"] == 1000:
            lines.append(f"Cards PDF at 1,000 cards: {r['bytes'] / 1000:,.0f} bytes per card.")
    if "tree" in extra:  # where tagging's bytes go, and the least the tree needs
        lines += ["", "Tagging, 1,000 cards (benchmarks/tree_cost.py):", ""]
        lines += [f"    {line}" for line in tree_report(extra["tree"], 1000).splitlines()]
    lines += ["", "| target | measured | held? |", "|---|---|---|"]
    for name, measured, held in targets(rows, extra):
        lines.append(f"| {name} | {measured} | {'held' if held else '**not held**'} |")
    return "\n".join(lines) + "\n"


def targets(rows: list[dict], extra: dict) -> list[tuple[str, str, bool]]:
    """Each target of the issue, with what was measured and whether it holds."""
    found = {(r["deck"], r["what"]): r for r in rows}
    checks = []
    for what, label in (("cards", "1,000 cards"), ("booklet", "1,000-technique booklet")):
        row = found.get((1000, what))
        if row and row["to_before"] is not None:
            checks.append(
                (f"{label}: ≤ 1.1× the commit before", f"{row['to_before']:.2f}×",
                 row["to_before"] <= 1.1)
            )  # fmt: skip
    cards, untagged = found.get((1000, "cards")), found.get((1000, "cards untagged"))
    if cards and untagged and cards.get("to_untagged") is not None:
        checks.append(
            ("1,000 cards: tagging adds ≤ 15 % to the time", f"{cards['to_untagged'] - 1:+.0%}",
             cards["to_untagged"] <= 1.15)
        )  # fmt: skip
        grown = cards["bytes"] / untagged["bytes"]
        checks.append(
            ("1,000 cards: tagging adds ≤ 25 % to the file", f"{grown - 1:+.0%}", grown <= 1.25)
        )
    if (5000, "booklet") in found:
        peak = found[(5000, "booklet")]["rss_mb"]
        checks.append(("5,000-technique booklet: peak < 150 MB", f"{peak:.0f} MB", peak < 150))
    if "watch" in extra:
        rebuild, cold = extra["watch"]
        share = rebuild / cold
        checks.append(
            (
                "watch: rebuild after one edit ≤ half a cold build (1,000, all formats)",
                f"{rebuild:.2f} s of {cold:.2f} s: {share:.0%}",
                share <= 0.5,
            )
        )
    if "identical" in extra:
        checks.append(
            ("--jobs 1 and the default: byte-identical files", "yes" if extra["identical"] else "no",
             extra["identical"])
        )  # fmt: skip
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="13,1000,5000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    parser.add_argument("--against", default=None, help="a commit to compare with")
    parser.add_argument("--no-typst", action="store_true", help="leave Typst out")
    args = parser.parse_args()
    if not args.no_typst:
        ensure_typst()
    # An installed package runs from compiled bytecode (pip writes it). A
    # checkout does not have it, and where PYTHONDONTWRITEBYTECODE is set (this
    # machine, CI) every run would compile the package from source again, about
    # 0.08 s: measure what an installed `cards` runs.
    compileall.compile_dir(REPO / "cards", quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        previous = worktree(args.against, work) if args.against else None
        try:
            sizes = list(map(int, args.sizes.split(",")))
            rows = [
                row
                for size in sizes
                for row in measure(size, args.runs, work, previous, not args.no_typst)
            ]
            extra: dict = {"identical": parallel_identical(min(max(sizes), 1000), work)}
            extra["against"] = args.against
            if 1000 in sizes:
                extra["watch"] = watch_rebuild(1000, work)
                slug = deck_for(1000, work).name
                extra["tree"] = tree_cost(
                    work / "out-1000" / f"{slug}-cards.pdf",
                    work / "untagged-1000" / f"{slug}-cards.pdf",
                )
            report = table(rows, cold_default_deck(work), extra)
        finally:
            if previous is not None:
                subprocess.run(
                    ["git", "-C", str(REPO), "worktree", "remove", "--force", str(previous)],
                    check=False,
                )
    print(report)
    if args.out:
        write_table(args.out, report)


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_table(path: Path, report: str) -> None:
    """Put the table between the markers in ``path``, keeping the notes around it."""
    block = f"{START}\n{report}{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text = block + "\n" + text
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
