"""A source: where an item's rows come from, described for plans and read at run time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from prodi.model.errors import ConfigError
from prodi.plugins.base import Plugin
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


class Source(Plugin):
    """Subclasses implement `read`; the rest has defaults."""

    # Count the rows read (in the first rule stage's pass, or from the write's metrics). Sources
    # that count for themselves (landed files: what was delivered, quarantine included) or are
    # not row-wise (SQL marts) say False.
    counted: ClassVar[bool] = True
    # Reading again gives the same rows, cheaply (a pinned Delta version): then the rows are
    # not cached, and each pass (the rule counts, the quarantine, the write) reads them again,
    # which costs less than building a cache. Otherwise they are cached for the item's run.
    rereadable: ClassVar[bool] = False
    # It reads only what its target has not taken in yet (new files, rows past a watermark, new
    # table versions): an append of what it read is then claimed, so that of concurrent runs
    # only one takes it in (see prodi.io.delta_txn).
    incremental: ClassVar[bool] = False

    def validate(self, item: Item) -> list[ConfigError]:
        """Problems only visible with the item at hand (no JVM)."""
        return []

    def columns(self, item: Item) -> list[str] | None:
        """The columns it yields, when known before running (for column checks downstream)."""
        return None

    def packages(self) -> tuple[str, ...]:
        """Maven coordinates (group:artifact:version) of jars it needs on the JVM, such as a JDBC
        driver; fetched at session start the way the Delta jars are."""
        return ()

    def plan(self, item: Item) -> dict[str, Any]:
        """What it reads, for the dry-run plan."""
        return {"reads": self.describe()}

    def read(self, run: StageRun) -> DataFrame | None:
        """The rows to process, or None after `run.stop(...)` when there is nothing to do."""
        raise NotImplementedError
