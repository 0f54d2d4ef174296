"""gold: business marts from SQL over the silver tables, each replaced as a whole."""

from __future__ import annotations

import time
from collections.abc import Iterator

from loguru import logger

from prodi.config.sql_check import referenced_tables
from prodi.io import delta_tables
from prodi.layers.context import LayerContext
from prodi.observability.summary import DatasetResult


class MissingUpstreamError(Exception):
    """A mart reads a silver table that has not been built yet."""


def run_gold(ctx: LayerContext, marts: list[str]) -> Iterator[DatasetResult]:
    """Expose silver tables as views named after their datasets, then build each mart in order.

    Each mart also becomes a view, so later marts can read earlier ones. Views are dropped at the
    end so nothing leaks into the next job of a sweep.
    """
    pipeline = ctx.app.pipeline
    views: list[str] = []
    try:
        for name, ds in pipeline.datasets.items():
            location = ctx.location("silver", name)
            if ds.silver is not None and delta_tables.exists(ctx.spark, location):
                delta_tables.read(ctx.spark, location).createOrReplaceTempView(name)
                views.append(name)
        for name in marts:
            yield _run_mart(ctx, name, views)
            views.append(name)
    finally:
        for view in views:
            ctx.spark.catalog.dropTempView(view)


def _run_mart(ctx: LayerContext, name: str, views: list[str]) -> DatasetResult:
    started = time.monotonic()
    mart = ctx.app.pipeline.marts[name]
    target = ctx.location("gold", name)
    missing = sorted(referenced_tables(mart.sql) - set(views))
    if missing:
        raise MissingUpstreamError(
            f"mart {name!r} reads {missing}, which have no silver table at "
            f"{[ctx.location('silver', m) for m in missing]}; run layer=silver first")
    df = ctx.spark.sql(mart.sql)
    metrics = delta_tables.overwrite(df, target, ctx.commit_note(), mart.partition_by)
    delta_tables.read(ctx.spark, target).createOrReplaceTempView(name)
    logger.debug("gold/{} written to {}", name, target)
    return DatasetResult("gold", name, target, rows_read=None, rows_written=metrics.rows_written,
                         duration_s=time.monotonic() - started)
