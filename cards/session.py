"""What a watch session keeps from one build to the next, and how it is kept.

``BuildCache`` holds technique files as read, cards and booklet pages fitted
and drawn, compressed page streams and the main process's own drawings,
each by all that decides it; a rebuild reads, lays out and draws again only
what changed. Kept only for ``cards build --watch``: a single build has no
next build to keep anything for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cards.options import BuildSettings

if TYPE_CHECKING:
    from cards.workers import WorkCache


def _work_cache() -> WorkCache:
    from cards.workers import WorkCache  # multiprocessing loads only when a build needs it

    return WorkCache()


@dataclass
class BuildCache:
    """What ``--watch`` keeps from one build to the next: technique files as
    read, cards and booklet pages fitted and drawn, by all that decides them.
    Only what changed is read, laid out and drawn again."""

    cards: WorkCache = field(default_factory=_work_cache)
    pages: WorkCache = field(default_factory=_work_cache)
    files: WorkCache = field(default_factory=_work_cache)  # technique files as read
    streams: WorkCache = field(default_factory=_work_cache)  # pages compressed, by their text
    drawings: WorkCache = field(default_factory=_work_cache)  # drawn in the main process

    def parts(self) -> dict[str, WorkCache]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def forget_unused(self) -> None:
        """The end of a build: keep only what it asked for."""
        for part in self.parts().values():
            part.forget_unused()

    def settle(self) -> None:
        """Between builds, while the watch waits for a change: collect garbage
        once, then set what is kept aside from the collector (``gc.freeze``).
        A rebuild's collections otherwise walked the whole cache, a tenth of
        its time; what the next build lets go is collected at the next settle."""
        import gc

        gc.unfreeze()
        gc.collect()
        gc.freeze()


def new_cache() -> BuildCache:
    return BuildCache()


def watch_cache(settings: BuildSettings) -> BuildCache | None:
    return settings.cache if isinstance(settings.cache, BuildCache) else None
