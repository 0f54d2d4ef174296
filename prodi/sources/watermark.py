"""Incremental reads by watermark: only rows past the high-water mark of the last run that landed
rows, with no row at the mark lost or landed twice.

The mark is kept in the note of raw's own commit (`StageRun.source_state`), so it advances in
the same atomic commit as the rows it covers: a run that fails before committing leaves it where
it was. The next run reads rows with `column >= mark - lookback` (the source pushes that down)
and drops the ones raw already holds unchanged (a multiset difference over the window), so a row
that appeared at exactly the mark after the last read is taken, and one read before is not taken
again. A full refresh (`run.full_refresh=true`) reads everything again, as a new delivery.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loguru import logger

from prodi.model.errors import ConfigError
from prodi.plugins.run import StageRun

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

STATE_KEY = "watermark"
_HELD, _SEEN = "__landed_", "__read_"  # working columns of `not_landed_yet`
_INTERVAL = re.compile(r"^\s*\d+\s+(microsecond|millisecond|second|minute|hour|day|week|month|year)s?"
                       r"(\s+\d+\s+(microsecond|millisecond|second|minute|hour|day|week|month|year)s?)*\s*$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Mark:
    """The highest watermark value landed so far, as Spark SQL text of its type."""

    column: str
    value: str
    type: str  # Spark SQL type name, e.g. timestamp, bigint, date

    def state(self) -> dict[str, Any]:
        return {STATE_KEY: {"column": self.column, "value": self.value, "type": self.type}}


def lookback_errors(lookback: str | None, path: str) -> list[ConfigError]:
    """`lookback` is an interval (`2 hours`, `1 day 30 minutes`) or a number (numeric marks)."""
    if lookback is None or _INTERVAL.match(lookback):
        return []
    try:
        float(lookback)
        return []
    except ValueError:
        return [ConfigError(path, "an interval such as '2 hours' or '1 day', or a number for a "
                            "numeric watermark", repr(lookback))]


def last_mark(run: StageRun, column: str) -> Mark | None:
    """The mark of the last run that landed rows for this item; None the first time, after the
    watermark column changed, or with `run.full_refresh=true`."""
    from prodi.io import delta_versions

    if run.full_refresh:
        return None
    state = (delta_versions.last_source_state(run.spark, run.target) or {}).get(STATE_KEY)
    if not isinstance(state, dict):
        return None
    if state.get("column") != column:
        run.warn(f"the watermark column changed ({state.get('column')!r} -> {column!r}): "
                 "reading everything again")
        return None
    return Mark(column, str(state["value"]), str(state["type"]))


def window_start(mark: Mark, lookback: str | None) -> Column:
    """`mark - lookback`, typed: where the rows to read again start."""
    from pyspark.sql import functions as F

    bound = F.lit(mark.value).cast(mark.type)
    if lookback is not None and _INTERVAL.match(lookback):
        return bound - F.expr(f"INTERVAL {lookback}")
    if lookback is not None:
        return (bound - F.lit(float(lookback))).cast(mark.type)
    return bound


def in_window(column: Column, mark: Mark, lookback: str | None) -> Column:
    """The rows to read again: `column >= mark - lookback`, or a null mark column (such rows
    can't be placed, so they are read every time and taken once). On a column of the mark's
    type the comparison is simple enough for a source to push down (JDBC: a WHERE clause)."""
    return (column >= window_start(mark, lookback)) | column.isNull()


def not_landed_yet(run: StageRun, rows: DataFrame, mark: Mark | None, lookback: str | None,
                   compare: list[str] | None = None) -> DataFrame:
    """`rows` (as text) without the ones raw already holds unchanged from the window at or past
    `mark - lookback`: of n equal rows read, with m such rows landed, the last n - m are taken
    (a multiset difference). Rows are equal in the `compare` columns (default: all); the other
    columns (a page, a record number) are carried along, and the first in their order are the
    ones taken as already landed."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from prodi.io import delta_tables

    if mark is None or not delta_tables.exists(run.spark, run.target):
        return rows
    compare = compare or rows.columns
    carried = [c for c in rows.columns if c not in compare] or compare
    landed = delta_tables.read(run.spark, run.target)
    # try_cast: a landed value that isn't of the mark's type is outside every window, on any
    # Spark (ANSI mode, Spark 4's default, would fail the run on it).
    window = landed.filter(in_window(F.expr(f"try_cast(`{mark.column}` AS {mark.type})"), mark,
                                     lookback))
    held = window.select(*[(F.col(f"`{c}`") if c in landed.columns
                            else F.lit(None).cast("string")).alias(f"{_HELD}{c}") for c in compare]) \
        .groupBy(*[f"{_HELD}{c}" for c in compare]).agg(F.count(F.lit(1)).alias(_HELD))
    data = [F.col(f"`{c}`") for c in compare]
    numbered = rows.withColumn(_SEEN, F.row_number().over(
        Window.partitionBy(*data).orderBy(*[F.col(f"`{c}`") for c in carried])))
    same = [F.col(f"`{c}`").eqNullSafe(F.col(f"`{_HELD}{c}`")) for c in compare]
    return numbered.join(held, same, "left") \
        .filter(F.col(_SEEN) > F.coalesce(F.col(_HELD), F.lit(0))) \
        .select(*[F.col(f"`{c}`") for c in rows.columns])


def advance(run: StageRun, rows: DataFrame, column: str, kind: str, before: Mark | None
            ) -> Mark | None:
    """Record the new mark (the highest value of `column` in `rows`, typed as `kind`, never below
    the previous mark) for the commit that lands `rows`."""
    from pyspark.sql import functions as F

    typed = F.expr(f"try_cast(`{column}` AS {kind})")  # NULL, not an ANSI error, if it isn't
    expr = F.greatest(typed, F.lit(before.value).cast(kind)) if before else typed
    highest = rows.select(F.max(expr).cast("string")).first()[0]
    mark = Mark(column, highest, kind) if highest is not None else before
    if mark is None:
        return None
    run.source_state = mark.state()
    logger.info("{}/{}: watermark {} -> {}", run.item.layer.name, run.item.name,
                before.value if before else "(none)", mark.value)
    return mark
