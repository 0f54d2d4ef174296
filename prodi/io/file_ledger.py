"""Which delivered files a dataset has seen, known by path, size and modification time.

Every file a run takes in is recorded in a small ledger table (one row per delivery), so
finding what is new reads the ledger, not the raw rows. Raw rows carry their file's size and
modification time too: a file missing from the ledger (a run that stopped between its raw
commit and its ledger commit, or rows written before the ledger knew every file) is looked up
in the raw partitions of its own landed date only.
"""

from __future__ import annotations

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from prodi.io import delta_tables
from prodi.model.columns import FILE_MODIFIED, FILE_SIZE, LANDED_DATE, RUN_ID, SOURCE_FILE

SCHEMA = T.StructType([
    T.StructField("path", T.StringType(), False),
    T.StructField("size", T.LongType(), False),
    T.StructField("modified", T.LongType(), False),  # ms since the epoch, as the filesystem says
    T.StructField("landed_date", T.StringType(), True),
    T.StructField("records", T.LongType(), False),
    T.StructField("quarantined", T.LongType(), False),
    T.StructField("status", T.StringType(), False),  # rows | empty | quarantined
    T.StructField("run_id", T.StringType(), False),
    T.StructField("recorded_at", T.TimestampType(), False),
])

# (size, modified, how it was taken in: rows | empty | quarantined); None size and time: rows
# written before raw recorded them.
Delivery = tuple[int | None, int | None, str]


def seen_files(spark: SparkSession, table: str, ledger: str, files: dict[str, str | None]
               ) -> tuple[dict[str, set[Delivery]], list[tuple]]:
    """The deliveries already taken in of `files` (path -> landed date): from the ledger, and
    for paths it lacks, from the table's rows of their landed dates. Also the ledger entries
    those rows stand for (a run stopped between its rows' commit and its ledger's), to record:
    (path, size, modified, landed_date, records, 0, "rows", run_id), quarantined still 0."""
    seen: dict[str, set[Delivery]] = {}
    unrecorded: list[tuple] = []
    paths = list(files)
    if paths and delta_tables.exists(spark, ledger):
        for r in delta_tables.read(spark, ledger).where(F.col("path").isin(paths)) \
                .select("path", "size", "modified", "status").collect():
            seen.setdefault(r["path"], set()).add((r["size"], r["modified"], r["status"]))
    unknown = [p for p in paths if p not in seen]
    if unknown and delta_tables.exists(spark, table):
        rows = delta_tables.read(spark, table)
        dates = {files[p] for p in unknown}
        if None not in dates:
            rows = rows.where(F.col(LANDED_DATE).isin(sorted(dates)))
        recorded = [c for c in (FILE_SIZE, FILE_MODIFIED) if c in rows.columns]
        for r in rows.where(F.col(SOURCE_FILE).isin(unknown)) \
                .groupBy(SOURCE_FILE, *recorded, LANDED_DATE, RUN_ID).count().collect():
            delivery = (r[FILE_SIZE], r[FILE_MODIFIED]) if recorded else (None, None)
            seen.setdefault(r[SOURCE_FILE], set()).add((*delivery, "rows"))
            if recorded:
                unrecorded.append((r[SOURCE_FILE], *delivery, r[LANDED_DATE], r["count"], 0,
                                   "rows", r[RUN_ID]))
    return seen, unrecorded


def with_quarantined(spark: SparkSession, quarantine: str, entries: list[tuple]) -> list[tuple]:
    """`seen_files`' unrecorded entries with their records quarantined by the same run added."""
    if not entries or not delta_tables.exists(spark, quarantine):
        return entries
    counts = {(r[SOURCE_FILE], r[RUN_ID]): r["count"] for r in delta_tables.read(spark, quarantine)
              .where(F.col(SOURCE_FILE).isin([e[0] for e in entries]))
              .groupBy(SOURCE_FILE, RUN_ID).count().collect()}
    return [(path, size, modified, date, rows + counts.get((path, run), 0),
             counts.get((path, run), 0), status, run)
            for path, size, modified, date, rows, _, status, run in entries]


def runs_of(spark: SparkSession, ledger: str, paths: list[str]) -> set[str]:
    """The runs the ledger says took in deliveries of `paths`."""
    if not delta_tables.exists(spark, ledger):
        return set()
    return {r["run_id"] for r in delta_tables.read(spark, ledger)
            .where(F.col("path").isin(paths)).select("run_id").distinct().collect()}


def record(spark: SparkSession, location: str, entries: list[tuple], note: str) -> None:
    """Add (path, size, modified, landed_date, records, quarantined, status, run_id) rows for
    the deliveries not recorded yet: the run that took them in and a run mending the ledger
    after it (it found them in raw's rows before their entries landed) may record them at once."""
    from prodi.io import delta_sql
    from prodi.io.conflicts import retry_on_conflict

    if not entries:
        return
    df = spark.createDataFrame(entries, T.StructType(SCHEMA.fields[:-1])) \
        .withColumn("recorded_at", F.current_timestamp())

    def add() -> None:
        if not delta_tables.exists(spark, location):
            delta_tables.append(df, location, note)
            return
        delivery = " AND ".join(f"t.{c} = s.{c}" for c in ("path", "size", "modified"))
        with delta_tables.session_conf(spark, delta_tables.merge_conf(note)):
            delta_sql.merge(df, location, delivery, [delta_sql.when_not_matched_insert_all()])

    retry_on_conflict(add, location)
