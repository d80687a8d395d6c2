"""Work in worker processes: every core reads, fits and draws, in deck order.

Workers are forked, so they share the loaded deck, the layouts, the fonts
and what a watch session kept without copying. They run the very code the
main process would and send results back in order, a few chunks ahead, so
memory stays flat. ``WorkCache`` is what a watch session keeps (files read,
fitted layouts), under keys made by ``digest``; ``bounded`` runs a parser of
untrusted files in a process of its own, with limits.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

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
    meanwhile: Callable[[], None] | None = None,
    group: int | None = None,
) -> Iterator[Any]:
    """``task(0) … task(count - 1)`` run in ``jobs`` forked processes, yielded in
    order; each process runs ``start()`` first, and this one ``meanwhile()``
    once the tasks are handed out. ``group``: how many tasks a process is
    handed at a time (by default, fewer and fewer towards the end).

    Only a few chunks are handed out ahead of the one being consumed, so results
    never pile up faster than the main process draws them: memory stays flat.
    With ``meanwhile`` (this process busy elsewhere while a deck's sections are
    read) all are handed out at once: the workers would otherwise wait for it.
    """
    global _TASK
    _TASK = task
    context = multiprocessing.get_context("fork")
    chunks: deque[range] = deque()
    done = 0
    while done < count:  # chunks shrink towards the end, so the workers end together
        size = group or max(4, min(64, (count - done) // (jobs * 8)))
        chunks.append(range(done, min(done + size, count)))
        done += size
    # forked with everything so far set aside from the collector: a worker's
    # collections then walk only what it makes, not the whole inherited deck
    with set_aside():
        pool = context.Pool(jobs, initializer=start)
    pending: deque[Any] = deque()
    try:
        while chunks or pending:
            while chunks and (meanwhile is not None or len(pending) < jobs * AHEAD):
                pending.append(pool.apply_async(_run_chunk, (chunks.popleft(),)))
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            yield from pending.popleft().get()
    finally:
        pool.terminate()
        pool.join()
        _TASK = None


@contextmanager
def set_aside() -> Iterator[None]:
    """What exists now set aside from the collector while inside
    (``gc.freeze``): its collections walk only what is made meanwhile. A
    watch session's kept cache, frozen between builds, stays frozen
    (``BuildCache.settle``)."""
    settled = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not settled:
            gc.unfreeze()


def _run_chunk(indices: range) -> list[Any]:
    assert _TASK is not None
    return [_TASK(index) for index in indices]


@dataclass
class WorkCache:
    """What a watch session keeps from one build to the next (files read, fitted
    cards and pages), by all that decides them. What one build did not ask for
    (a deleted or changed technique) is forgotten after it."""

    entries: dict[Hashable, Any] = field(default_factory=dict)
    hits: int = 0
    used: set[Hashable] = field(default_factory=set)
    # in a worker process, what it found (value None) and made, for its parent
    journal: list[tuple[Hashable, Any]] | None = None

    def find(self, key: Hashable) -> Any:
        """What an earlier build kept for ``key``, else None."""
        value = self.entries.get(key)
        if value is not None:
            self.used.add(key)
            self.hits += 1
            if self.journal is not None:
                self.journal.append((key, None))
        return value

    def store(self, key: Hashable, value: Any) -> None:
        self.used.add(key)
        self.entries[key] = value
        if self.journal is not None:
            self.journal.append((key, value))

    def replay(self, journal: list[tuple[Hashable, Any]]) -> None:
        """Take in what a worker process found and made with its copy."""
        for key, value in journal:
            self.used.add(key)
            if value is None:
                self.hits += 1
            else:
                self.entries[key] = value

    def forget_unused(self) -> None:
        """The end of a build: keep only what it asked for."""
        for key in set(self.entries) - self.used:
            del self.entries[key]
        self.used.clear()


T = TypeVar("T")


def forked(task: Callable[[], Any], first: Callable[[], None] | None = None) -> tuple[Any, Any]:
    """``task()`` started in a forked process (after ``first()`` there), and the
    end of a pipe that brings back (True, what it returned) or (False, what it
    raised; a MemoryError as ``OverBounds``)."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def run() -> None:
        if first is not None:
            first()
        try:
            outcome: tuple[bool, object] = (True, task())
        except MemoryError:
            outcome = (False, OverBounds("memory"))
        except Exception as exc:  # noqa: BLE001 - raised again in the parent
            outcome = (False, exc)
        sending.send(outcome)

    process = context.Process(target=run)
    process.start()
    sending.close()
    return process, receiving


class OverBounds(Exception):
    """A bounded task went past its memory or its time, or died: its input is
    larger than the task is allowed to read."""


def bounded(task: Callable[[], T], memory_mb: int, seconds: float) -> T:
    """``task()`` in a forked process that may grow by ``memory_mb`` and run for
    ``seconds`` (a parser of untrusted files: a library in another language
    may allocate what a file declares before anything can check it). Returns
    what the task returned, raises what it raised, or ``OverBounds``. Where
    processes cannot fork, the task runs here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return task()
    growth = memory_mb * 1024 * 1024

    def limited() -> None:
        import resource
        import signal

        # what a parser prints as it dies (a refused allocation, a backtrace)
        # is not for the user: the parent says what happened, in one line
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        limit = address_space() + growth
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # not a layout timer it inherited
        signal.alarm(max(1, math.ceil(seconds)))  # past it, the process ends

    process, receiving = forked(task, limited)
    try:
        if not receiving.poll(seconds + GRACE_S):
            raise OverBounds("time")
        done, value = receiving.recv()
    except EOFError:  # it died: an allocation refused outside Python, or the alarm
        raise OverBounds(f"ended with code {process.exitcode}") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
    if not done:
        raise value
    return value  # type: ignore[no-any-return]


GRACE_S = 5.0  # past a bounded task's own alarm, before it is killed from here


def address_space() -> int:
    """This process's virtual memory now, in bytes (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
