"""Delta write modes: append, overwrite (the run's scope, or the whole table) and MERGE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prodi.model.columns import LANDED_DATE
from prodi.model.errors import ConfigError
from prodi.model.schema.pipeline import SectionSpec
from prodi.model.sql import unknown_column
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sinks.base import Sink, Written

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


class Append(Sink):
    def write(self, df: DataFrame, run: StageRun) -> Written:
        from prodi.io import delta_tables

        m = delta_tables.append(df, run.target, run.commit_note(), self.partition_by(run.item))
        return Written(m.rows_written, m.version, rows_in=m.rows_in)


class Overwrite(Sink):
    """Replaces the rows in the run's scope (one run date's rows), else the whole table."""

    def plan(self, item: Item) -> dict[str, Any]:
        mode = f"replace where {LANDED_DATE} = '{item.run_date}'" if item.run_date else "overwrite"
        return {**super().plan(item), "mode": mode}

    def write(self, df: DataFrame, run: StageRun) -> Written:
        from prodi.io import delta_tables

        m = delta_tables.overwrite(df, run.target, run.commit_note(), self.partition_by(run.item),
                                   run.scope)
        return Written(m.rows_written, m.version, rows_in=m.rows_in)


class Merge(Sink):
    """Upsert on the section's `keys`: a row replaces the target's only when its `sequence_by`
    is newer, so re-runs never duplicate or regress."""

    section_keys = ("keys", "sequence_by")

    def validate(self, item: Item, columns: list[str] | None) -> list[ConfigError]:
        section = item.section
        if not isinstance(section, SectionSpec) or not section.keys:
            return [ConfigError(f"{item.path}.keys", "at least one business key column (merge "
                                "matches rows on them)", "[]" if section.keys == () else "nothing")]
        if columns is None:
            return []
        return [unknown_column(f"{item.path}.keys[{i}]", k, columns)
                for i, k in enumerate(section.keys) if k not in columns]

    def write(self, df: DataFrame, run: StageRun) -> Written:
        from prodi.io import delta_tables

        section = run.item.section
        assert isinstance(section, SectionSpec) and section.keys
        m = delta_tables.merge(df, run.target, run.commit_note(), section.keys, section.sequence_by,
                               self.partition_by(run.item))
        return Written(m.rows_written, m.version, m.rows_skipped, m.rows_in)
