"""A sink: how an item's rows are written (a write mode), described for plans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from prodi.model.errors import ConfigError
from prodi.plugins.base import Plugin
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class Written:
    """What a write did: rows written (inserted + updated for a MERGE), the table version, rows
    that changed nothing because the table already had a newer version of them, and the rows it
    was given (from the commit's metrics: how the run counts without a pass of its own)."""

    rows: int
    version: int | None = None
    superseded: int = 0
    rows_in: int | None = None  # rows the sink was given (None: not known)


@dataclass(frozen=True)
class PartitionOptions:
    partition_by: tuple[str, ...] = ()


class Sink(Plugin):
    """Subclasses implement `write`. `section_keys` are the section keys the sink reads."""

    Options = PartitionOptions
    section_keys: ClassVar[tuple[str, ...]] = ()

    def validate(self, item: Item, columns: list[str] | None) -> list[ConfigError]:
        return []

    def keeps_versions(self) -> bool:
        """Whether it is given every version of a key (one per sequence value), not only the
        newest: `latest_per_key` then keeps one row per key and sequence value."""
        return False

    def redo_safe(self, run: StageRun) -> bool:
        """Whether, after its write lost a Delta conflict to a concurrent run, the item may run
        again from a fresh read and end as if it had run once: true of writes that replace a
        scope, keep the newer version of a key, or append under a claim. A sink that can't
        promise it says False, and a lost conflict then fails the run, naming the other run."""
        return False

    def partition_by(self, item: Item) -> tuple[str, ...]:
        """The section's (or mart's) `partition_by`, else the sink's own option."""
        own = getattr(item.section, "partition_by", ())
        return tuple(own) or tuple(getattr(self.options, "partition_by", ()))

    def plan(self, item: Item) -> dict[str, Any]:
        """How it writes, for the dry-run plan."""
        return {"mode": self.describe(), "partition_by": list(self.partition_by(item))}

    def write(self, df: DataFrame, run: StageRun) -> Written:
        raise NotImplementedError
