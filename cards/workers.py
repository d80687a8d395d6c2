"""Fitting in worker processes: every core finds body sizes, the main process draws.

Finding the size a card fits at takes two or three layouts; drawing takes one.
Workers (forked, so they share the loaded deck, the layouts and the
registered fonts without copying) run the same fitting the main process
would and send back only the sizes, in deck order. The main process then lays
each card out once at its size and draws it: the output is byte-for-byte the
serial one, because the same code builds the same flowables at the same size.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

# Below this many techniques, starting the workers costs more than they save
# (measured on 2 cores: see benchmarks/results.md).
PARALLEL_FROM = 120

_TASK: Callable[[int], Any] | None = None  # set in the parent, inherited by forked workers


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_parallel(jobs: int, count: int) -> bool:
    return jobs > 1 and count >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods()


AHEAD = 4  # chunks in flight per worker: enough to keep them busy, few enough to hold


def in_workers(
    task: Callable[[int], Any],
    count: int,
    jobs: int,
    start: Callable[[], None] | None = None,
) -> Iterator[Any]:
    """``task(0) … task(count - 1)`` run in ``jobs`` forked processes, yielded in
    order; each process runs ``start()`` first.

    Only a few chunks are handed out ahead of the one being consumed, so results
    never pile up faster than the main process draws them: memory stays flat.
    """
    global _TASK
    _TASK = task
    context = multiprocessing.get_context("fork")
    size = max(4, min(64, count // (jobs * 16)))
    chunks = deque(range(start, min(start + size, count)) for start in range(0, count, size))
    pool = context.Pool(jobs, initializer=start)
    pending: deque[Any] = deque()
    try:
        while chunks or pending:
            while chunks and len(pending) < jobs * AHEAD:
                pending.append(pool.apply_async(_run_chunk, (chunks.popleft(),)))
            yield from pending.popleft().get()
    finally:
        pool.terminate()
        pool.join()
        _TASK = None


def _run_chunk(indices: range) -> list[Any]:
    assert _TASK is not None
    return [_TASK(index) for index in indices]
