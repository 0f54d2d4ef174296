"""Delta tables by path: read, and write by append, overwrite, partition replace or MERGE."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession


@dataclass(frozen=True)
class WriteMetrics:
    operation: str
    rows_written: int
    version: int


def exists(spark: SparkSession, location: str) -> bool:
    return DeltaTable.isDeltaTable(spark, location)


def read(spark: SparkSession, location: str) -> DataFrame:
    return spark.read.format("delta").load(location)


def version(spark: SparkSession, location: str) -> int:
    """The table's current version; -1 when there is no table yet."""
    if not exists(spark, location):
        return -1
    return int(DeltaTable.forPath(spark, location).history(1).collect()[0]["version"])


def append(df: DataFrame, location: str, partition_by: Sequence[str] = ()) -> WriteMetrics:
    before = version(df.sparkSession, location)
    writer = df.write.format("delta").mode("append")
    if partition_by:
        writer = writer.partitionBy(*partition_by)
    writer.save(location)
    return last_write(df.sparkSession, location, before)


def overwrite(df: DataFrame, location: str, partition_by: Sequence[str] = (),
              replace_where: str | None = None) -> WriteMetrics:
    """Replace the table, or with `replace_where` only the rows (partitions) it selects."""
    before = version(df.sparkSession, location)
    writer = df.write.format("delta").mode("overwrite")
    if replace_where is not None and exists(df.sparkSession, location):
        writer = writer.option("replaceWhere", replace_where)
    else:
        writer = writer.option("overwriteSchema", "true")
    if partition_by:
        writer = writer.partitionBy(*partition_by)
    writer.save(location)
    return last_write(df.sparkSession, location, before)


def merge(df: DataFrame, location: str, keys: Sequence[str], sequence_by: str | None,
          partition_by: Sequence[str] = ()) -> WriteMetrics:
    """Upsert on business keys; a row replaces the target's only when its sequence is newer."""
    spark = df.sparkSession
    if not exists(spark, location):
        return overwrite(df, location, partition_by)
    before = version(spark, location)
    on = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in keys)
    newer = f"s.`{sequence_by}` > t.`{sequence_by}` OR t.`{sequence_by}` IS NULL" \
        if sequence_by else None
    (DeltaTable.forPath(spark, location).alias("t")
     .merge(df.alias("s"), on)
     .whenMatchedUpdateAll(condition=newer)
     .whenNotMatchedInsertAll()
     .execute())
    return last_write(spark, location, before)


def last_write(spark: SparkSession, location: str, before: int) -> WriteMetrics:
    """Rows written by our commit, from the Delta log's operation metrics (none if no commit)."""
    row = DeltaTable.forPath(spark, location).history(1).collect()[0]
    if int(row["version"]) == before:
        return WriteMetrics("NONE", 0, before)
    metrics = row["operationMetrics"] or {}
    if row["operation"] == "MERGE":
        written = int(metrics.get("numTargetRowsInserted", 0)) + \
            int(metrics.get("numTargetRowsUpdated", 0))
    else:
        written = int(metrics.get("numOutputRows", 0))
    return WriteMetrics(row["operation"], written, int(row["version"]))
