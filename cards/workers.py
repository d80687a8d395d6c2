"""Work in worker processes: every core reads, fits and draws, in deck order.

Workers are forked, so they share the loaded deck, the layouts, the fonts
and the open file's glyph codes without copying. They run the very code the
main process would and send results back in order, a few chunks ahead, so
memory stays flat; the main process places them. ``cached_work`` adds a watch
session's cache: a result an earlier build kept is used again, whichever
process finds it. Output is byte-for-byte the serial one (tests/test_workers.py).
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Hashable, Iterator
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
) -> Iterator[Any]:
    """``task(0) … task(count - 1)`` run in ``jobs`` forked processes, yielded in
    order; each process runs ``start()`` first, and this one ``meanwhile()``
    once the tasks are handed out.

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
        size = max(4, min(64, (count - done) // (jobs * 8)))
        chunks.append(range(done, min(done + size, count)))
        done += size
    # forked with everything so far set aside from the collector: a worker's
    # collections then walk only what it makes, not the whole inherited deck
    # (a watch session's frozen cache stays frozen: see BuildCache.settle)
    settled = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        pool = context.Pool(jobs, initializer=start)
    finally:
        if not settled:
            gc.unfreeze()
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


def _run_chunk(indices: range) -> list[Any]:
    assert _TASK is not None
    return [_TASK(index) for index in indices]


@dataclass
class WorkCache:
    """What a watch session keeps from one build to the next: files read, cards
    and pages fitted and drawn, by all that decides them. What one build did
    not ask for (a deleted or changed technique) is forgotten after it."""

    entries: dict[Hashable, Any] = field(default_factory=dict)
    hits: int = 0
    used: set[Hashable] = field(default_factory=set)

    def find(self, key: Hashable) -> Any:
        """What an earlier build kept for ``key``, else None."""
        value = self.entries.get(key)
        if value is not None:
            self.used.add(key)
            self.hits += 1
        return value

    def store(self, key: Hashable, value: Any) -> None:
        self.used.add(key)
        self.entries[key] = value

    def forget_unused(self) -> None:
        """The end of a build: keep only what it asked for."""
        for key in set(self.entries) - self.used:
            del self.entries[key]
        self.used.clear()

    def mark(self) -> tuple[frozenset[Hashable], int]:
        """Where this cache stands, for ``changes_since``."""
        return frozenset(self.entries), self.hits

    def changes_since(self, mark: tuple[frozenset[Hashable], int]) -> CacheChanges:
        """What was kept, asked for and found since ``mark``."""
        known, hits = mark
        new = {key: value for key, value in self.entries.items() if key not in known}
        return CacheChanges(new, frozenset(self.used), self.hits - hits)

    def apply(self, changes: CacheChanges) -> None:
        """Take in what a forked process did to its copy of this cache."""
        self.entries.update(changes.new)
        self.used |= changes.used
        self.hits += changes.hits


@dataclass(frozen=True)
class CacheChanges:
    """A forked process's work on its copy of a ``WorkCache``, sent back whole."""

    new: dict[Hashable, Any]
    used: frozenset[Hashable]
    hits: int


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


def aside(task: Callable[[], T]) -> Callable[[], T]:
    """Start ``task()`` in a forked process and go on here; the function returned
    waits for it and gives what it returned, or raises what it raised."""
    process, receiving = forked(task)

    def result() -> T:
        try:
            done, value = receiving.recv()
        except EOFError:
            raise RuntimeError(f"a worker process ended with code {process.exitcode}") from None
        finally:
            process.join()
        if not done:
            raise value
        return value  # type: ignore[no-any-return]

    return result


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


@dataclass(frozen=True)
class _Kept:
    """A worker found the result in its copy of the cache: the main process has it,
    at this place among the keys the cache had when the work began (a key can
    be long: a layout's rendered markup; the place is one number to send back)."""

    at: int


def cached_work(
    count: int,
    prepare: Callable[[int], tuple[Hashable | None, Any]],
    make: Callable[[int, Any], Any],
    cache: WorkCache | None = None,
    jobs: int = 1,
    start: Callable[[], None] | None = None,
    keep: Callable[[Any], Any] = lambda value: value,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Any]:
    """``make(i, prepared)`` for ``i`` in ``range(count)``, in order, where
    ``key, prepared = prepare(i)``: in worker processes when there are enough
    (each runs ``start()`` first, and this one ``meanwhile()`` while they
    begin), else here (``meanwhile()`` first).

    With a ``cache`` (a watch session's), a result kept under its key by an
    earlier build is used again, from whichever process finds it; a new one is
    kept as ``keep(result)`` says (``None``: not kept); what a build did not
    ask for is forgotten once it is done (``WorkCache.forget_unused``).
    """

    mostly_kept = cache is not None and len(cache.entries) >= count // 2
    parallel = not mostly_kept and worth_parallel(jobs, count)
    if meanwhile is not None and not parallel:
        meanwhile()
    if mostly_kept:
        assert cache is not None
        yield from _mostly_kept(count, prepare, make, cache, jobs, start, keep)
        return
    known = list(cache.entries) if cache is not None else []  # only added to until done
    place = {key: at for at, key in enumerate(known)}

    def task(index: int) -> Any:
        key, prepared = prepare(index)
        if key is not None and (at := place.get(key)) is not None:
            return _Kept(at)
        return key, make(index, prepared)

    results = (
        in_workers(task, count, jobs, start, meanwhile) if parallel else map(task, range(count))
    )
    for result in results:
        if isinstance(result, _Kept):
            assert cache is not None
            yield cache.find(known[result.at])
            continue
        key, value = result
        yield _kept(cache, key, value, keep)


def _mostly_kept(
    count: int,
    prepare: Callable[[int], tuple[Hashable | None, Any]],
    make: Callable[[int, Any], Any],
    cache: WorkCache,
    jobs: int,
    start: Callable[[], None] | None,
    keep: Callable[[Any], Any],
) -> Iterator[Any]:
    """``cached_work`` when an earlier build kept most results (a watch session's
    rebuild): every key is worked out here, first (it is cheap), and only what
    is missing is made, in worker processes if there is enough of it. Handing
    every item to workers to learn that it is kept cost more than it saved."""
    prepared = [prepare(index) for index in range(count)]
    missing = [i for i, (key, _) in enumerate(prepared) if key is None or key not in cache.entries]

    def task(position: int) -> Any:
        index = missing[position]
        return make(index, prepared[index][1])

    parallel = worth_parallel(jobs, len(missing))
    made = (
        in_workers(task, len(missing), jobs, start) if parallel else map(task, range(len(missing)))
    )
    wanted = set(missing)
    for index, (key, _) in enumerate(prepared):
        if index not in wanted:
            yield cache.find(key)
            continue
        yield _kept(cache, key, next(made), keep)


def _kept(
    cache: WorkCache | None, key: Hashable | None, value: Any, keep: Callable[[Any], Any]
) -> Any:
    """``value``, newly made, kept in ``cache`` as ``keep`` says."""
    if cache is not None and key is not None and (kept := keep(value)) is not None:
        cache.store(key, kept)
    return value
