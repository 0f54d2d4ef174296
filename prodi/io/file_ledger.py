"""Which delivered files a dataset has seen, known by path, size and modification time.

Raw rows carry their file's size and modification time, so the raw table itself says which
deliveries it holds. A file that left no raw row (empty, header only, every record quarantined)
is recorded in a small ledger instead, so it is not listed as new forever.
"""

from __future__ import annotations

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from prodi.io import delta_tables
from prodi.model.columns import FILE_MODIFIED, FILE_SIZE, LANDED_DATE, SOURCE_FILE

SCHEMA = T.StructType([
    T.StructField("path", T.StringType(), False),
    T.StructField("size", T.LongType(), False),
    T.StructField("modified", T.LongType(), False),  # ms since the epoch, as the filesystem says
    T.StructField("landed_date", T.StringType(), True),
    T.StructField("records", T.LongType(), False),
    T.StructField("quarantined", T.LongType(), False),
    T.StructField("status", T.StringType(), False),  # empty | quarantined
    T.StructField("run_id", T.StringType(), False),
    T.StructField("recorded_at", T.TimestampType(), False),
])

# (size, modified, how it was taken in: rows | empty | quarantined); None size and time: rows
# written before raw recorded them.
Delivery = tuple[int | None, int | None, str]


def seen_files(spark: SparkSession, table: str, ledger: str, landed: str | None,
               paths: list[str]) -> dict[str, set[Delivery]]:
    """The deliveries of `paths` already taken in: from the table's rows (of one landed date,
    when given) and from the ledger of files that left no row."""
    seen: dict[str, set[Delivery]] = {}
    if paths and delta_tables.exists(spark, table):
        rows = delta_tables.read(spark, table)
        if landed is not None:
            rows = rows.where(F.col(LANDED_DATE) == landed)
        recorded = [c for c in (FILE_SIZE, FILE_MODIFIED) if c in rows.columns]
        for r in rows.where(F.col(SOURCE_FILE).isin(paths)).select(SOURCE_FILE, *recorded) \
                .distinct().collect():
            delivery = (r[FILE_SIZE], r[FILE_MODIFIED]) if recorded else (None, None)
            seen.setdefault(r[SOURCE_FILE], set()).add((*delivery, "rows"))
    if paths and delta_tables.exists(spark, ledger):
        for r in delta_tables.read(spark, ledger).where(F.col("path").isin(paths)) \
                .select("path", "size", "modified", "status").collect():
            seen.setdefault(r["path"], set()).add((r["size"], r["modified"], r["status"]))
    return seen


def record(spark: SparkSession, location: str, entries: list[tuple], note: str) -> None:
    """Append (path, size, modified, landed_date, records, quarantined, status, run_id) rows."""
    if not entries:
        return
    df = spark.createDataFrame(entries, T.StructType(SCHEMA.fields[:-1]))
    delta_tables.append(df.withColumn("recorded_at", F.current_timestamp()), location, note)
