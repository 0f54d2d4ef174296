"""Write modes by business key: `merge` (the latest version per key) and `scd2` (every version).

Both take the section's `keys` and `sequence_by`. With deletes (`apply_as_deletes`), and always
for `scd2`, every version is kept in a change log beside the target, so late and out-of-order
versions and deletes land where their sequence puts them (see `prodi.io.changes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodi.model.columns import ARRIVAL
from prodi.model.errors import ConfigError
from prodi.model.schema.pipeline import SectionSpec
from prodi.model.sql import expression_errors, unknown_column
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sinks.base import Sink, Written

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from prodi.io.changes import Applied, ChangeKeys, Destination

CHANGES = "changes"


def change_log_location(item: Item) -> str:
    """Where an item's change log lives: `<root>/changes/<layer>/<prefix><dataset>`."""
    return item.location(f"{CHANGES}/{item.layer.name}", item.name)


@dataclass(frozen=True)
class MergeOptions:
    partition_by: tuple[str, ...] = ()
    apply_as_deletes: str | None = None  # SQL predicate: the row deletes its key


@dataclass(frozen=True)
class Scd2Options:
    partition_by: tuple[str, ...] = ()
    apply_as_deletes: str | None = None  # SQL predicate: the row closes its key's current version
    # Columns whose change opens a new version (default: all but keys, sequence and `_` ones);
    # a change only in other columns updates the current version in place.
    track_history_columns: tuple[str, ...] | None = None
    track_history_except_columns: tuple[str, ...] = ()
    valid_from: str = "_valid_from"
    valid_to: str = "_valid_to"  # NULL while the version is current
    is_current: str = "_is_current"


class KeyedSink(Sink):
    """Validation and the change-log write that `merge` and `scd2` share."""

    section_keys = ("keys", "sequence_by", "dedupe")

    def validate(self, item: Item, columns: list[str] | None) -> list[ConfigError]:
        section = item.section
        if not isinstance(section, SectionSpec) or not section.keys:
            return [ConfigError(f"{item.path}.keys", f"at least one business key column ({self.name} "
                                "matches rows on them)", "[]" if section.keys == () else "nothing")]
        errors = []
        if section.sequence_by is None and self.keeps_versions():
            errors.append(ConfigError(f"{item.path}.sequence_by", f"the column that orders a key's "
                                      f"versions ({self.describe()} needs one)", "nothing"))
        deletes = getattr(self.options, "apply_as_deletes", None)
        if deletes is not None:
            errors += expression_errors(f"{self.path}.apply_as_deletes", deletes, columns)
        if columns is not None:
            errors += [unknown_column(f"{item.path}.keys[{i}]", k, columns)
                       for i, k in enumerate(section.keys) if k not in columns]
        return errors

    def change_keys(self, run: StageRun, df: DataFrame) -> ChangeKeys:
        from prodi.io.changes import ChangeKeys

        section = run.item.section
        assert isinstance(section, SectionSpec) and section.keys and section.sequence_by
        return ChangeKeys(section.keys, section.sequence_by,
                          tuple(c for c in ARRIVAL if c in df.columns))

    def destination(self, run: StageRun) -> Destination:
        from prodi.io.changes import Destination

        log = run.resolve(change_log_location(run.item), "cloud.storage.root")
        # A full refresh without a date scope reads every upstream row: start afresh.
        return Destination(run.target, log, run.commit_note(), self.partition_by(run.item),
                           rebuild=run.full_refresh and run.scope is None)

    def written(self, applied: Applied) -> Written:
        """Events new to the change log are written; the others were known (or older)."""
        return Written(applied.events_new, applied.version, applied.events_in - applied.events_new,
                       applied.events_in)


class Merge(KeyedSink):
    """Upsert on the section's `keys`: a row replaces the target's only when its `sequence_by`
    is newer, so re-runs never duplicate or regress. With `apply_as_deletes`, a key whose newest
    version is a delete has no row."""

    Options = MergeOptions

    def keeps_versions(self) -> bool:
        return self.options.apply_as_deletes is not None

    def plan(self, item: Item) -> dict[str, Any]:
        deletes = self.options.apply_as_deletes
        return {**super().plan(item), **({"deletes_where": deletes} if deletes else {})}

    def redo_safe(self, run: StageRun) -> bool:
        # The newer version of a key wins whatever order runs commit in; without a sequence the
        # last writer would win, so a concurrent run's rows could be overwritten by older ones.
        return self.options.apply_as_deletes is not None or \
            getattr(run.item.section, "sequence_by", None) is not None

    def write(self, df: DataFrame, run: StageRun) -> Written:
        from prodi.io import changes, delta_tables

        if self.options.apply_as_deletes is not None:
            events = changes.with_deletes(df, self.options.apply_as_deletes)
            return self.written(changes.apply_latest(events, self.destination(run),
                                                     self.change_keys(run, df)))
        section = run.item.section
        assert isinstance(section, SectionSpec) and section.keys
        note, parts = run.commit_note(), self.partition_by(run.item)
        arrival = tuple(c for c in ARRIVAL if c in df.columns)
        m = delta_tables.merge(df, run.target, note, section.keys, section.sequence_by, parts,
                               arrival)
        return Written(m.rows_written, m.version, m.rows_skipped, m.rows_in)


class Scd2(KeyedSink):
    """Every version of each key, with its validity interval (SCD type 2)."""

    Options = Scd2Options

    def keeps_versions(self) -> bool:
        return True

    def redo_safe(self, run: StageRun) -> bool:
        return True  # the change log keeps every version; the history is rebuilt from it

    def validate(self, item: Item, columns: list[str] | None) -> list[ConfigError]:
        errors = super().validate(item, columns)
        o, path = self.options, self.path
        if o.track_history_columns is not None and o.track_history_except_columns:
            errors.append(ConfigError(f"{path}.track_history_except_columns", "either "
                                      "track_history_columns or an except-list, not both", "both"))
        names = (o.valid_from, o.valid_to, o.is_current)
        if len(set(names)) != 3:
            errors.append(ConfigError(f"{path}.valid_to", "three different column names for "
                                      "valid_from, valid_to and is_current", repr(names)))
        if columns is not None:
            for key in ("track_history_columns", "track_history_except_columns"):
                errors += [unknown_column(f"{path}.{key}[{i}]", c, columns)
                           for i, c in enumerate(getattr(o, key) or ()) if c not in columns]
            errors += [ConfigError(f"{path}.{key}", "a name no column of the dataset has",
                                   f"{getattr(o, key)!r}, a column already")
                       for key in ("valid_from", "valid_to", "is_current")
                       if getattr(o, key) in columns]
        return errors

    def plan(self, item: Item) -> dict[str, Any]:
        o = self.options
        tracked = list(o.track_history_columns) if o.track_history_columns is not None else \
            f"all but {list(o.track_history_except_columns)}" if o.track_history_except_columns \
            else "all"
        return {**super().plan(item), "mode": "scd2", "history_columns": [
            o.valid_from, o.valid_to, o.is_current], "tracked": tracked,
            **({"deletes_where": o.apply_as_deletes} if o.apply_as_deletes else {})}

    def write(self, df: DataFrame, run: StageRun) -> Written:
        from prodi.io import changes

        o = self.options
        names = changes.HistoryColumns(o.valid_from, o.valid_to, o.is_current,
                                       o.track_history_columns, o.track_history_except_columns)
        return self.written(changes.apply_scd2(changes.with_deletes(df, o.apply_as_deletes),
                                               self.destination(run), self.change_keys(run, df),
                                               names))
