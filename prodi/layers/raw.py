"""raw: ingest landed files as delivered, once each, with ingestion metadata."""

from __future__ import annotations

import time
from dataclasses import replace

from loguru import logger
from pyspark.sql import functions as F

from prodi.config.schema.pipeline import DatasetSpec, SourceSpec
from prodi.io import delta_tables
from prodi.io.landing import list_landed, read_landed
from prodi.layers.context import LayerContext
from prodi.observability.summary import DatasetResult

PARTITION = ("_landed_date",)


def run_raw(ctx: LayerContext, name: str, spec: DatasetSpec) -> DatasetResult:
    """Append the landed files not yet in the raw table (only the run date's, when one is set)."""
    started = time.monotonic()
    assert spec.raw is not None
    source = _resolved_source(ctx, name, spec.raw.source)
    target = ctx.location("raw", name)
    result = DatasetResult("raw", name, target)
    files = list_landed(ctx.spark, source)
    if ctx.run_date is not None:
        files = [f for f in files if f.landed_date == ctx.run_date]
    done = _ingested_files(ctx, target) if files else set()
    new = [f for f in files if f.path not in done]
    logger.info("raw/{}: {} landed file(s) in {}, {} already ingested, {} new", name, len(files),
                source.path, len(files) - len(new), len(new))
    if not new:
        result.status, result.note = "ok", "nothing new"
        result.duration_s = time.monotonic() - started
        return result
    df = (read_landed(ctx.spark, source, new)
          .withColumn("_ingested_at", F.current_timestamp())
          .withColumn("_run_id", F.lit(ctx.run_id)))
    metrics = delta_tables.append(df, target, ctx.commit_note(), PARTITION)
    result.rows_read = result.rows_written = metrics.rows_written
    result.note = f"{len(new)} file(s)"
    result.duration_s = time.monotonic() - started
    return result


def _resolved_source(ctx: LayerContext, name: str, source: SourceSpec) -> SourceSpec:
    """The source with secrets resolved in its path and options (e.g. a storage key or password)."""
    base = f"pipeline.datasets.{name}.raw.source"
    options = {k: ctx.resolve(v, f"{base}.options.{k}") for k, v in source.options.items()}
    path = ctx.landing(ctx.resolve(source.path, f"{base}.path"))
    return replace(source, path=path, options=options)


def _ingested_files(ctx: LayerContext, target: str) -> set[str]:
    """Files already in the raw table (of the run date's partition only, when there is one)."""
    if not delta_tables.exists(ctx.spark, target):
        return set()
    table = delta_tables.read(ctx.spark, target)
    if ctx.run_date is not None:
        table = table.where(F.col("_landed_date") == ctx.run_date)
    return {r["_source_file"] for r in table.select("_source_file").distinct().collect()}
