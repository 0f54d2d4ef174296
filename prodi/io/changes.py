"""Change data applied by key, the same whatever order its batches arrive in.

Every event (one version of a key at one sequence value, or a delete) is kept in a change log
table beside the target. A batch adds its events there, then the target's rows of the keys it
touched are rebuilt from all of those keys' events and replaced in one MERGE. A late event thus
lands where its sequence puts it, and any batch order, or a re-run, gives the same table: the
one the whole event set gives.

Two events of a key at one sequence value: the one that arrived last (by landing date,
ingestion time, file, record) is kept, here and in `latest_per_key`, so the choice is a
property of the events, not of the order runs see them in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce

from loguru import logger
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from prodi.io import delta_sql, delta_tables, delta_versions
from prodi.io.conflicts import retry_on_conflict
from prodi.model.errors import DataError

DELETED = "_deleted"  # change log: the event deletes its key
_OP = "_change_op"  # MERGE source: upsert or delete this target row
_STABLE_TRIES = 5


@dataclass(frozen=True)
class ChangeKeys:
    """How events are told apart and ordered: business keys, sequence, tie-break columns."""

    keys: tuple[str, ...]
    sequence: str
    arrival: tuple[str, ...] = ()  # tie-break at one sequence value: the largest arrived last

    def order(self) -> list[str]:
        return [self.sequence, *self.arrival]

    def oldest_first(self) -> list[Column]:
        return [F.col(c).asc_nulls_first() for c in self.order()]

    def newest_first(self) -> list[Column]:
        return [F.col(c).desc_nulls_last() for c in self.order()]


@dataclass(frozen=True)
class HistoryColumns:
    """The SCD2 columns, and which columns open a new version when they change."""

    valid_from: str = "_valid_from"
    valid_to: str = "_valid_to"
    is_current: str = "_is_current"
    tracked: tuple[str, ...] | None = None  # None: every column but keys, sequence and `_` ones
    untracked: tuple[str, ...] = ()


class NoChangeLogError(DataError):
    """The table exists but its change log doesn't: it was written by another write mode."""


@dataclass(frozen=True)
class Applied:
    """What applying a batch did: events new to the change log, events given, target version."""

    events_new: int
    events_in: int
    version: int


def with_deletes(df: DataFrame, apply_as_deletes: str | None) -> DataFrame:
    """The batch as events: `_deleted` is true where the delete predicate holds."""
    flag = F.coalesce(F.expr(apply_as_deletes), F.lit(False)) if apply_as_deletes else F.lit(False)
    return df.withColumn(DELETED, flag)


@dataclass(frozen=True)
class Destination:
    """Where a batch goes. `rebuild` (the batch holds every event: a full refresh) starts the
    change log and the table afresh."""

    target: str
    log: str
    note: str
    partition_by: Sequence[str] = ()
    rebuild: bool = False


def apply_scd2(events: DataFrame, to: Destination, keys: ChangeKeys, names: HistoryColumns
               ) -> Applied:
    """Keep every version of each key in the target: `valid_from`..`valid_to` (NULL while current)."""
    return _apply(events, to, keys, lambda e: history(e, keys, names), [*keys.keys, names.valid_from])


def apply_latest(events: DataFrame, to: Destination, keys: ChangeKeys) -> Applied:
    """Keep each key's newest event in the target, or no row when that event is a delete."""
    return _apply(events, to, keys, lambda e: latest(e, keys), list(keys.keys))


def history(events: DataFrame, keys: ChangeKeys, names: HistoryColumns) -> DataFrame:
    """SCD2 rows from all events of some keys. An upsert opens a version when it follows a delete
    or differs from the event before it in a tracked column; otherwise it updates the open
    version in place. A version ends where the next version or a delete of its key begins."""
    tracked = list(names.tracked) if names.tracked is not None else [
        c for c in events.columns if c not in (*keys.keys, keys.sequence, *names.untracked)
        and not c.startswith("_")]
    by_key = Window.partitionBy(*keys.keys).orderBy(*keys.oldest_first())
    values = F.struct(*[F.col(c) for c in tracked]) if tracked else F.lit(0)
    before, deleted_before = F.lag(values).over(by_key), F.lag(DELETED).over(by_key)
    opens = ~F.col(DELETED) & (deleted_before.isNull() | deleted_before | ~values.eqNullSafe(before))
    so_far = by_key.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    numbered = (events
                .withColumn("_next", F.lead(keys.sequence).over(by_key))
                .withColumn("_version", F.sum(opens.cast("int")).over(so_far))
                .filter(~F.col(DELETED)))
    version = Window.partitionBy(*keys.keys, "_version")
    last = version.orderBy(*keys.newest_first())
    return (numbered
            .withColumn(names.valid_from, F.min(keys.sequence).over(version))
            .withColumn("_rank", F.row_number().over(last)).filter("_rank = 1")
            .withColumn(names.valid_to, F.col("_next"))
            .withColumn(names.is_current, F.col("_next").isNull())
            .drop("_next", "_version", "_rank", DELETED))


def latest(events: DataFrame, keys: ChangeKeys) -> DataFrame:
    """Each key's newest event, unless it is a delete."""
    newest = Window.partitionBy(*keys.keys).orderBy(*keys.newest_first())
    return (events.withColumn("_rank", F.row_number().over(newest))
            .filter(~F.col(DELETED) & (F.col("_rank") == 1)).drop("_rank", DELETED))


def _apply(events: DataFrame, to: Destination, keys: ChangeKeys,
           rebuild: Callable[[DataFrame], DataFrame], match_on: list[str]) -> Applied:
    spark = events.sparkSession
    if to.rebuild:
        logged = delta_tables.overwrite(events, to.log, to.note)
        written = delta_tables.overwrite(rebuild(delta_tables.read(spark, to.log)), to.target,
                                         to.note, to.partition_by)
        return Applied(logged.rows_written, logged.rows_in or 0, written.version)
    if delta_tables.exists(spark, to.target) and not delta_tables.exists(spark, to.log):
        raise NoChangeLogError(
            f"{to.target} exists but its change log {to.log} doesn't: the table was written by "
            "another write mode, so its history can't be extended. Rebuild it once from "
            "everything upstream with run.full_refresh=true (and no run.date).")
    logged = retry_on_conflict(lambda: record(events, to.log, keys, to.note), to.log)
    touched = events.select(*keys.keys).distinct()
    # A rebuild is only as complete as the change log it read: when another run added events
    # meanwhile, rebuild again (that run's own rebuild may have missed ours).
    for _ in range(_STABLE_TRIES):
        seen = delta_versions.current_version(spark, to.log)
        rows = rebuild(_null_safe_semi(delta_tables.read(spark, to.log, seen), touched, keys.keys))
        written = retry_on_conflict(
            lambda rows=rows: replace_keys(rows, to.target, touched, keys.keys, match_on, to.note,
                                           to.partition_by), to.target)
        if delta_versions.current_version(spark, to.log) == seen:
            break
        logger.info("{}: the change log moved during the rebuild; rebuilding again", to.target)
    return Applied(logged.rows_written, logged.rows_in or 0, written.version)


def record(events: DataFrame, log: str, keys: ChangeKeys, note: str) -> delta_tables.WriteMetrics:
    """Add events to the change log, one per key and sequence value (the last arrived)."""
    spark = events.sparkSession
    if not delta_tables.exists(spark, log):
        return delta_tables.overwrite(events, log, note)
    # Without arrival columns, the version recorded first stays.
    clauses = [delta_sql.when_matched_update_all(delta_sql.newer(keys.arrival))] if keys.arrival \
        else []
    clauses.append(delta_sql.when_not_matched_insert_all())
    with delta_tables.session_conf(spark, delta_tables.merge_conf(note)):
        delta_sql.merge(events, log, delta_sql.null_safe_on([*keys.keys, keys.sequence]), clauses)
    return delta_tables.last_write(spark, log, note)


def replace_keys(rows: DataFrame, target: str, touched: DataFrame, keys: Sequence[str],
                 match_on: Sequence[str], note: str, partition_by: Sequence[str] = ()
                 ) -> delta_tables.WriteMetrics:
    """Make the target's rows of the `touched` keys exactly `rows`, in one commit: rows that
    differ are updated, new ones inserted, and the keys' other rows deleted."""
    spark = rows.sparkSession
    if not delta_tables.exists(spark, target):
        return delta_tables.overwrite(rows, target, note, partition_by)
    table = delta_tables.read(spark, target)
    if set(rows.columns) - set(table.columns):
        # New columns (the dataset declares more): the MERGE below assigns columns by name,
        # which Delta evolves only for UPDATE */INSERT *; add them first, with no rows.
        delta_tables.append(rows.limit(0), target, note)
        table = delta_tables.read(spark, target)
    current = _null_safe_semi(table, touched, keys).alias("c")
    stale = current.join(rows.select(*match_on).alias("r"), _null_safe(match_on, "c", "r"),
                         "left_anti").select("c.*")
    source = rows.withColumn(_OP, F.lit("upsert")).unionByName(
        stale.withColumn(_OP, F.lit("delete")), allowMissingColumns=True)
    columns = rows.columns
    differs = "NOT (" + delta_sql.null_safe_on(columns) + ")"
    assign = {c: f"s.{delta_sql.ident(c)}" for c in columns}
    with delta_tables.session_conf(spark, delta_tables.merge_conf(note)):
        delta_sql.merge(source, target, delta_sql.null_safe_on(match_on), [
            delta_sql.when_matched_delete(f"s.{_OP} = 'delete'"),
            delta_sql.when_matched_update(assign, f"s.{_OP} = 'upsert' AND {differs}"),
            delta_sql.when_not_matched_insert(assign, f"s.{_OP} = 'upsert'")])
    return delta_tables.last_write(spark, target, note)


def _null_safe(columns: Sequence[str], left: str, right: str) -> Column:
    return reduce(lambda a, b: a & b, [F.col(f"{left}.`{c}`").eqNullSafe(F.col(f"{right}.`{c}`"))
                                       for c in columns])


def _null_safe_semi(df: DataFrame, keys_df: DataFrame, keys: Sequence[str]) -> DataFrame:
    """The rows of `df` whose keys are among `keys_df`'s (NULL matching NULL)."""
    return df.alias("d").join(keys_df.alias("k"), _null_safe(keys, "d", "k"), "left_semi")

