"""Time `cards build` against the raw-canvas floor, pair by pair.

    python benchmarks/bench.py [--sizes 13,1000,5000] [--runs 5] [--out benchmarks/results.md]

For each deck size: a warm-up of every command, then RUNS rounds, each
running `cards build -f cards`, the floor, `cards build -f booklet` and the
floor again, so every ratio is taken against a floor run made moments
before. Reports the median wall time, the peak memory (max RSS of the
process), the output size and the median ratio, as a Markdown table on
stdout and in OUT with the machine's core count and the date.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DECK = REPO / "content" / "foot-massage"


def run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (kB) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def deck_for(size: int, work: Path) -> Path:
    if size == 13:
        return DEFAULT_DECK
    folder = work / f"deck-{size}"
    subprocess.run([sys.executable, str(HERE / "make_deck.py"), str(size), str(folder)], check=True)
    return folder


def measure(size: int, runs: int, work: Path) -> list[dict]:
    deck = deck_for(size, work)
    out = work / f"out-{size}"
    floor_pdf = work / f"floor-{size}.pdf"
    commands = {
        "cards": [sys.executable, "-m", "cards", "build", str(deck), "-f", "cards", "-o", str(out)],
        "booklet": [
            sys.executable,
            "-m",
            "cards",
            "build",
            str(deck),
            "-f",
            "booklet",
            "-o",
            str(out),
        ],
        "floor": [sys.executable, str(HERE / "floor.py"), str(deck), str(floor_pdf)],
    }
    for command in commands.values():
        run(command)  # warm-up: file cache, .pyc files
    times: dict[str, list[float]] = {name: [] for name in ("cards", "booklet", "floor")}
    rss: dict[str, int] = {name: 0 for name in times}
    ratios: dict[str, list[float]] = {"cards": [], "booklet": []}
    for _ in range(runs):
        for name in ("cards", "booklet"):
            seconds, peak = run(commands[name])
            floor_seconds, floor_peak = run(commands["floor"])
            times[name].append(seconds)
            times["floor"].append(floor_seconds)
            rss[name] = max(rss[name], peak)
            rss["floor"] = max(rss["floor"], floor_peak)
            ratios[name].append(seconds / floor_seconds)
    slug = deck.name
    sizes = {
        "cards": (out / f"{slug}-cards.pdf").stat().st_size,
        "booklet": (out / f"{slug}-booklet.pdf").stat().st_size
        + (out / f"{slug}-booklet-imposed.pdf").stat().st_size,
        "floor": floor_pdf.stat().st_size,
    }
    rows = []
    for name in ("cards", "booklet", "floor"):
        median = statistics.median(times[name])
        rows.append(
            {
                "deck": size,
                "what": name,
                "median_s": median,
                "per_card_ms": 1000 * median / size,
                "rss_mb": rss[name] / 1024,
                "bytes": sizes[name],
                "ratio": statistics.median(ratios[name]) if name in ratios else 1.0,
            }
        )
    return rows


def cold_default_deck(work: Path) -> tuple[float, float]:
    """`cards build` (all formats) of the default deck and `cards --help`, best of three."""
    build = [sys.executable, "-m", "cards", "build", str(DEFAULT_DECK), "-o", str(work / "cold")]
    help_ = [sys.executable, "-m", "cards", "--help"]
    return min(run(build)[0] for _ in range(3)), min(run(help_)[0] for _ in range(3))


def table(rows: list[dict], cold: tuple[float, float]) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {date.today().isoformat()}",
        "",
        "| deck | build | median wall | per card | peak RSS | output | ratio to floor |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['deck']:,} | {r['what']} | {r['median_s']:.2f} s | {r['per_card_ms']:.2f} ms "
            f"| {r['rss_mb']:.0f} MB | {r['bytes'] / 1024:,.0f} KiB | {r['ratio']:.2f}× |"
        )
    build, help_ = cold
    lines += [
        "",
        f"Default deck, all formats, cold: {build:.2f} s. `cards --help`: {help_:.2f} s.",
    ]
    for r in rows:
        if r["what"] == "cards" and r["deck"] == 1000:
            lines.append(f"Cards PDF at 1,000 cards: {r['bytes'] / 1000:,.0f} bytes per card.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="13,1000,5000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        rows = [
            row
            for size in map(int, args.sizes.split(","))
            for row in measure(size, args.runs, work)
        ]
        report = table(rows, cold_default_deck(work))
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
