"""silver: clean and conform, check expectations, keep the latest version per key, MERGE."""

from __future__ import annotations

import time

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from prodi.config.schema.pipeline import DatasetSpec, SilverSpec
from prodi.io import delta_tables
from prodi.layers.context import LayerContext
from prodi.layers.dates import date_scope
from prodi.layers.results import finish
from prodi.layers.transforms import apply_steps
from prodi.observability.summary import DatasetResult
from prodi.quality.expectations import apply_expectations


def latest_per_key(df: DataFrame, spec: SilverSpec) -> DataFrame:
    """One row per business key: the newest by `sequence_by`, then by landing and ingestion."""
    order = [F.col(spec.sequence_by).desc_nulls_last()] if spec.sequence_by else []
    order += [F.col("_landed_date").desc_nulls_last(), F.col("_ingested_at").desc_nulls_last(),
              F.col("_source_file").desc_nulls_last()]
    window = Window.partitionBy(*[F.col(k) for k in spec.keys]).orderBy(*order)
    return df.withColumn("_rank", F.row_number().over(window)).filter("_rank = 1").drop("_rank")


def run_silver(ctx: LayerContext, name: str, spec: DatasetSpec) -> DatasetResult:
    """Conform the bronze rows in scope and upsert them into the silver table."""
    started = time.monotonic()
    silver = spec.silver
    assert silver is not None
    source, target = ctx.location("bronze", name), ctx.location("silver", name)
    result = DatasetResult("silver", name, target)
    if ctx.skipped_without_upstream(result, "bronze"):
        return result
    bronze, _ = date_scope(delta_tables.read(ctx.spark, source), ctx.run_date)
    conformed = apply_steps(bronze, silver.steps).cache()
    try:
        result.rows_read = conformed.count()
        valid, report = apply_expectations(conformed, silver.expectations, name)
        latest = latest_per_key(valid, silver).cache()
        kept = latest.count()
        result.duplicates_removed = result.rows_read - report.dropped - kept
        metrics = delta_tables.merge(latest, target, ctx.commit_note(), silver.keys,
                                     silver.sequence_by, silver.partition_by)
        latest.unpersist()
    finally:
        conformed.unpersist()
    return finish(result, metrics, report, started)
