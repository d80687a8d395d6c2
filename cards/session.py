"""What a watch session keeps from one build to the next, and how it is kept.

``BuildCache`` holds only what is cheap to key and safe to reuse: technique
files as read (keyed by their size and time) and fitted cards and booklet
pages (keyed by a digest of all that decides them). Drawing, assembly and
everything else are done anew each build, so a rebuild equals a cold build.
Kept only for ``cards build --watch``: a single build has no next build to
keep anything for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cards.options import BuildServices

if TYPE_CHECKING:
    from cards.workers import WorkCache


def _work_cache() -> WorkCache:
    from cards.workers import WorkCache  # multiprocessing loads only when a build needs it

    return WorkCache()


@dataclass
class BuildCache:
    """What ``--watch`` keeps from one build to the next."""

    files: WorkCache = field(default_factory=_work_cache)  # technique files as read
    layouts: WorkCache = field(default_factory=_work_cache)  # fitted cards and pages

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


def watch_cache(services: BuildServices) -> BuildCache | None:
    return services.cache if isinstance(services.cache, BuildCache) else None
