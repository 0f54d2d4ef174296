"""The newest row per business key (or per key and sequence value), on Spark."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from prodi.model.columns import ARRIVAL


def latest_per_key(df: DataFrame, keys: Sequence[str], sequence_by: str | None) -> DataFrame:
    """One row per key: the newest by `sequence_by`, then by landing, ingestion, file and
    record (a later line of the same file wins)."""
    order = [F.col(sequence_by).desc_nulls_last()] if sequence_by else []
    order += [F.col(c).desc_nulls_last() for c in ARRIVAL if c in df.columns]
    window = Window.partitionBy(*[F.col(k) for k in keys]).orderBy(*order)
    return df.withColumn("_rank", F.row_number().over(window)).filter("_rank = 1").drop("_rank")
