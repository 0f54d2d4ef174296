"""bronze: typed Delta tables with the declared schema; rows whose values don't cast are dropped."""

from __future__ import annotations

import time

from pyspark.sql import functions as F

from prodi.config.schema.pipeline import DatasetSpec, ExpectationSpec
from prodi.io import delta_tables
from prodi.layers.context import LayerContext
from prodi.layers.dates import date_scope
from prodi.layers.results import finish
from prodi.observability.summary import DatasetResult
from prodi.quality.expectations import apply_expectations

PARTITION = ("_landed_date",)
METADATA = ("_source_file", "_landed_date", "_ingested_at", "_run_id")


class MissingColumnsError(Exception):
    """The raw data lacks columns the bronze schema declares."""


def cast_rules(spec: DatasetSpec) -> list[ExpectationSpec]:
    """One drop rule per declared non-string column: a delivered value must cast to its type."""
    assert spec.bronze is not None
    return [ExpectationSpec(name=f"{c.name}_is_{c.type.replace(' ', '')}",
                            expr=f"`{c.name}` IS NULL OR try_cast(`{c.name}` AS {c.type}) IS NOT NULL",
                            action="drop")
            for c in spec.bronze.columns if c.type.lower() != "string"]


def run_bronze(ctx: LayerContext, name: str, spec: DatasetSpec) -> DatasetResult:
    """Cast raw rows to the declared schema and replace the bronze rows of the dates in scope."""
    started = time.monotonic()
    assert spec.bronze is not None
    source, target = ctx.location("raw", name), ctx.location("bronze", name)
    result = DatasetResult("bronze", name, target)
    if ctx.skipped_without_upstream(result, "raw"):
        return result
    raw, replace_where = date_scope(delta_tables.read(ctx.spark, source), ctx.run_date)
    missing = [c.name for c in spec.bronze.columns if c.name not in raw.columns]
    if missing:
        raise MissingColumnsError(
            f"dataset {name!r}: the raw table {source} has no column(s) {missing} declared in "
            f"pipeline.datasets.{name}.bronze.columns (raw has {sorted(raw.columns)})")
    raw = raw.cache()
    try:
        result.rows_read = raw.count()
        valid, report = apply_expectations(raw, cast_rules(spec), name)
        typed = valid.select(*[F.col(f"`{c.name}`").cast(c.type).alias(c.name)
                               for c in spec.bronze.columns], *METADATA)
        typed, rules_report = apply_expectations(typed, spec.bronze.expectations, name)
        report = report.merge(rules_report)
        metrics = delta_tables.overwrite(typed, target, ctx.commit_note(), PARTITION,
                                          replace_where)
    finally:
        raw.unpersist()
    return finish(result, metrics, report, started)
