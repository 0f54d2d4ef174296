"""The ledger of delivered files a dataset has seen: path, size, modification time, outcome.

A file is known by its path plus size and modification time, so a corrected re-delivery under
the same name is recognised, and an empty file is recorded once instead of listed as new forever.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from prodi.io import delta_tables

SCHEMA = T.StructType([
    T.StructField("path", T.StringType(), False),
    T.StructField("size", T.LongType(), False),
    T.StructField("modified", T.LongType(), False),  # ms since the epoch, as the filesystem says
    T.StructField("landed_date", T.StringType(), True),
    T.StructField("records", T.LongType(), False),
    T.StructField("quarantined", T.LongType(), False),
    T.StructField("status", T.StringType(), False),  # ingested | empty | refused
    T.StructField("run_id", T.StringType(), False),
    T.StructField("recorded_at", T.TimestampType(), False),
])


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    modified: int
    status: str


def known_files(spark: SparkSession, location: str) -> dict[str, FileEntry]:
    """The latest entry of each path in the ledger (none when it doesn't exist yet)."""
    if not delta_tables.exists(spark, location):
        return {}
    rows = (delta_tables.read(spark, location)
            .where(F.col("status") != "refused")
            .groupBy("path")
            .agg(F.max_by(F.struct("size", "modified", "status"), "recorded_at").alias("last"))
            .collect())
    return {r["path"]: FileEntry(r["path"], r["last"]["size"], r["last"]["modified"],
                                 r["last"]["status"]) for r in rows}


def record(spark: SparkSession, location: str, entries: list[tuple], note: str) -> None:
    """Append (path, size, modified, landed_date, records, quarantined, status, run_id) rows."""
    if not entries:
        return
    df = spark.createDataFrame(entries, T.StructType(SCHEMA.fields[:-1]))
    delta_tables.append(df.withColumn("recorded_at", F.current_timestamp()), location, note)
