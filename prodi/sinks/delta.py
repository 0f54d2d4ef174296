"""Delta write modes that need no keys: append, overwrite (the run's scope, or the whole table)
and partition replace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prodi.model.columns import LANDED_DATE
from prodi.model.errors import ConfigError
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sinks.base import Sink, Written

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


class Append(Sink):
    """Adds the rows. Under a claim (an incremental source's read) the append is exactly-once:
    it commits only if no other run took in anything since the claim was taken."""

    def redo_safe(self, run: StageRun) -> bool:
        return run.claim is not None

    def write(self, df: DataFrame, run: StageRun) -> Written:
        from prodi.io import delta_tables
        from prodi.io.conflicts import ClaimTaken

        m = delta_tables.append(df, run.target, run.commit_note(), self.partition_by(run.item),
                                txn=run.claim)
        if run.claim is not None and m.operation == "NONE":
            raise ClaimTaken(run.target, run.claim[1])
        return Written(m.rows_written, m.version, rows_in=m.rows_in)


class Overwrite(Sink):
    """Replaces the rows in the run's scope (one run date's rows), else the whole table."""

    def plan(self, item: Item) -> dict[str, Any]:
        mode = f"replace where {LANDED_DATE} = '{item.run_date}'" if item.run_date else "overwrite"
        return {**super().plan(item), "mode": mode}

    def redo_safe(self, run: StageRun) -> bool:
        return True

    def write(self, df: DataFrame, run: StageRun) -> Written:
        from prodi.io import delta_tables

        m = delta_tables.overwrite(df, run.target, run.commit_note(), self.partition_by(run.item),
                                   run.scope)
        return Written(m.rows_written, m.version, rows_in=m.rows_in)


class ReplacePartitions(Sink):
    """Replaces the partitions the rows fall in; the table's other partitions stay as they are."""

    def validate(self, item: Item, columns: list[str] | None) -> list[ConfigError]:
        if self.partition_by(item):
            return []
        return [ConfigError(f"{item.path}.partition_by", "the partition columns (replace_partitions "
                            "replaces the partitions its rows fall in)", "none")]

    def plan(self, item: Item) -> dict[str, Any]:
        return {**super().plan(item),
                "mode": f"replace the {', '.join(self.partition_by(item))} partitions written"}

    def redo_safe(self, run: StageRun) -> bool:
        return True

    def write(self, df: DataFrame, run: StageRun) -> Written:
        from prodi.io import delta_tables

        m = delta_tables.replace_partitions(df, run.target, run.commit_note(),
                                            self.partition_by(run.item))
        return Written(m.rows_written, m.version, rows_in=m.rows_in)
