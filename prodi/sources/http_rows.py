"""An HTTP source's landed pages as raw rows (Spark): records as text with their page file and
position, malformed pages queued for quarantine, and the watermark window applied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodi.checks.quarantine import Failure, errors_column, quarantine_rows
from prodi.io.http_records import MalformedPage, records_of
from prodi.model.columns import LANDED_DATE, RECORD_NUMBER, SOURCE_FILE
from prodi.model.errors import DataError
from prodi.plugins.run import StageRun
from prodi.sources.watermark import Mark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from prodi.sources.http import Http

_RULE, _RAW = "__rule", "__raw"
PAGE_VALUES = ("url", "status", "page")  # a quarantined page's `_values`


@dataclass(frozen=True)
class LandedPage:
    number: int
    path: str  # the landed file
    url: str  # credentials masked
    status: int
    text: str  # as landed


def window_start(run: StageRun, mark: Mark, lookback: str | None) -> str:
    """The request's watermark value: the mark, minus the lookback, as Spark SQL text."""
    from prodi.sources import watermark

    if lookback is None:
        return mark.value
    return run.spark.range(1).select(watermark.window_start(mark, lookback).cast("string")).first()[0]


def rows(run: StageRun, source: Http, pages: list[LandedPage], landed: str, mark: Mark | None,
         complete: bool) -> DataFrame | None:
    """The rows to append; sets the counts, queues malformed pages, records the new mark."""
    from pyspark.sql import types as T

    from prodi.sources import watermark

    o = source.options
    good: list[tuple[LandedPage, int, dict[str, str | None]]] = []
    bad: list[tuple[LandedPage, MalformedPage]] = []
    columns: dict[str, None] = {}
    for page in pages:
        try:
            records = records_of(page.text, o.records_path)
        except MalformedPage as exc:
            run.warn(f"page {page.number} ({page.url}) is malformed ({exc}): quarantined whole")
            bad.append((page, exc))
            continue
        for i, record in enumerate(records, 1):
            good.append((page, i, record))
            columns.update(dict.fromkeys(record))
    names = list(columns)
    if o.watermark_field and good and o.watermark_field not in columns:
        raise DataError(f"dataset {run.item.name!r}: no record has the field "
                         f"{o.watermark_field!r} ({source.path}.watermark_field)")
    run.rows_read = len(good) + len(bad)
    run.quarantine_append = True  # each response is read once
    if bad:
        run.quarantine.append(_quarantined(run, bad, landed, o.records_path))
    if not good and not bad:
        run.stop("ok", "no records")
        return None
    schema = T.StructType([*(T.StructField(c, T.StringType()) for c in names),
                           T.StructField(SOURCE_FILE, T.StringType()),
                           T.StructField(RECORD_NUMBER, T.LongType()),
                           T.StructField(LANDED_DATE, T.StringType())])
    df = run.spark.createDataFrame(
        [(*(r.get(c) for c in names), page.path, i, landed) for page, i, r in good], schema)
    kept = len(good)
    if mark is not None and names:
        df = run.cached(watermark.not_landed_yet(run, df, mark, o.lookback, compare=names))
        kept = df.count()
    run.rows_superseded += len(good) - kept  # landed by an earlier run, unchanged
    run.rows_current = kept
    run.note = f"{len(pages)} page(s), {kept} new record(s)"
    if o.watermark_field and good:
        if complete:
            watermark.advance(run, df, o.watermark_field, o.watermark_type, mark)
        else:
            _hold(run, df, o.watermark_field, o.watermark_type, mark)
    if not kept and not bad:
        run.stop("ok", f"nothing new in {len(pages)} page(s)")
        return None
    return df


def _hold(run: StageRun, df: DataFrame, column: str, kind: str, before: Mark | None) -> None:
    """Pagination stopped early: the mark stays (or, the first time, starts at the lowest value
    landed, so the next run reads the rest and doesn't land these rows again)."""
    from pyspark.sql import functions as F

    if before is None:
        lowest = df.select(F.min(F.expr(f"try_cast(`{column}` AS {kind})")).cast("string")
                           ).first()[0]
        before = Mark(column, lowest, kind) if lowest is not None else None
    run.source_state = before.state() if before is not None else None


def _quarantined(run: StageRun, bad: list[tuple[LandedPage, MalformedPage]], landed: str,
                 records_path: str) -> DataFrame:
    from pyspark.sql import functions as F

    rows = [(page.path, None, landed, page.url, str(page.status), str(page.number), page.text, exc.rule)
            for page, exc in bad]
    df = run.spark.createDataFrame(rows, f"{SOURCE_FILE} string, {RECORD_NUMBER} bigint, "
                                         f"{LANDED_DATE} string, url string, status string, "
                                         f"page string, {_RAW} string, {_RULE} string")
    rules = {exc.rule: exc.expectation for _, exc in bad}
    failures = [(F.col(_RULE) == rule, Failure(rule, expectation, ()))
                for rule, expectation in rules.items()]
    return quarantine_rows(df, errors_column(failures), PAGE_VALUES, run.run_id,
                           raw_record=F.col(_RAW))
