"""Delta tables by path or by catalog name: read, and write by append, overwrite, partition
replace or MERGE. A named table (`main.sales.silver_orders`) is created in its schema by its
first write, and written through the catalog (`saveAsTable`, `writeTo`) afterwards.

Every write tags its commit with a note (the run id and a token) in the commit's userMetadata,
so the Delta log says which run wrote what, and the row counts read back belong to our commit.

Every read and write first checks the table's state (`prodi.io.table_health`): a corrupt table
raises a TableStateError, a half-created one is read by nobody and written fresh by its writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from loguru import logger
from pyspark.sql import DataFrame, DataFrameWriter, SparkSession
from pyspark.sql import functions as F

from prodi.io import delta_sql, table_health

_COMMIT_NOTE_CONF = "spark.databricks.delta.commitInfo.userMetadata"
# New columns (a rescued-data column, an added delivery column) reach MERGE targets too.
_AUTO_MERGE_CONF = "spark.databricks.delta.schema.autoMerge.enabled"
_RECENT = 20  # commits searched for our own


@dataclass(frozen=True)
class WriteMetrics:
    operation: str
    rows_written: int
    version: int
    rows_skipped: int = 0  # MERGE source rows that changed nothing
    rows_in: int | None = None  # rows the write was given (a MERGE's source rows); None: unknown


def exists(spark: SparkSession, location: str) -> bool:
    """Whether a committed Delta table is there; a half-created one is not (with a warning: a
    read of it fails, its next write starts it fresh). Raises TableStateError when it is corrupt."""
    state = table_health.check(spark, location)
    if state.status == "half-created":
        logger.warning("{}: half-created, not a table yet ({}); reading it fails, and the next "
                       "write of it starts it fresh", location, state.problem)
    return state.committed


def readable(spark: SparkSession, location: str) -> bool:
    """Whether a committed table is there for a reader: False when there is none yet; a
    TableStateError when it is half-created (its writer broke off) or corrupt."""
    state = table_health.check(spark, location)  # corrupt: raises
    if state.status == "half-created":
        raise table_health.state_error(state)
    return state.committed


def read(spark: SparkSession, location: str, version: int | None = None) -> DataFrame:
    """The table, or its snapshot at `version`; TableStateError when it is half-created or
    corrupt."""
    state = table_health.check(spark, location)
    if state.status == "half-created":
        raise table_health.state_error(state)
    if delta_sql.is_named(location):
        at = f" VERSION AS OF {int(version)}" if version is not None else ""
        return spark.sql(f"SELECT * FROM {delta_sql.table_ref(location)}{at}")
    reader = spark.read.format("delta")
    return (reader.option("versionAsOf", version) if version is not None else reader).load(location)


def append(df: DataFrame, location: str, note: str, partition_by: Sequence[str] = (),
           txn: tuple[str, int] | None = None) -> WriteMetrics:
    """Add the rows; columns the table lacks are added (a delivery's new columns). With `txn`
    (an application id and its next version) the append is one of Delta's idempotent writes: it
    commits only if no commit of that application reached that version first, and otherwise
    makes no commit (see `prodi.io.delta_txn`)."""
    _ready_to_write(df.sparkSession, location)
    writer = _writer(df, "append", note, partition_by).option("mergeSchema", "true")
    if txn is not None:
        writer = writer.option("txnAppId", txn[0]).option("txnVersion", str(txn[1]))
    _run(lambda: save(df.sparkSession, writer, location), df.sparkSession, location, note)
    return last_write(df.sparkSession, location, note)


def overwrite(df: DataFrame, location: str, note: str, partition_by: Sequence[str] = (),
              replace_where: str | None = None) -> WriteMetrics:
    """Replace the table, or with `replace_where` only the rows (partitions) it selects."""
    return _overwrite(df, location, note, partition_by, replace_where,
                      _ready_to_write(df.sparkSession, location))


def _overwrite(df: DataFrame, location: str, note: str, partition_by: Sequence[str],
               replace_where: str | None, committed: bool) -> WriteMetrics:
    spark = df.sparkSession
    if delta_sql.is_named(location):
        _overwrite_named(df, location, note, partition_by, replace_where, committed)
        return last_write(spark, location, note)
    writer = _writer(df, "overwrite", note, partition_by)
    if replace_where is not None and committed:
        writer = writer.option("replaceWhere", replace_where).option("mergeSchema", "true")
    else:
        writer = writer.option("overwriteSchema", "true")
    _run(lambda: writer.save(location))
    return last_write(spark, location, note)


def _overwrite_named(df: DataFrame, name: str, note: str, partition_by: Sequence[str],
                     replace_where: str | None, committed: bool) -> None:
    """A new named table is created (by an append); an existing one is overwritten through the
    catalog's overwrite, as Delta 3.3's saveAsTable can't replace a table on Spark 3.5.6+
    (delta-io/delta#4671)."""
    spark = df.sparkSession
    if not committed:
        writer = _writer(df, "append", note, partition_by)
        _run(lambda: save(spark, writer, name), spark, name, note)
    elif replace_where is not None:
        v2 = df.writeTo(name).option("mergeSchema", "true")
        _run(lambda: v2.overwrite(F.expr(replace_where)), spark, name, note)
    else:
        v2 = df.writeTo(name).option("overwriteSchema", "true")
        _run(lambda: v2.overwrite(F.lit(True)), spark, name, note)


def merge(df: DataFrame, location: str, note: str, keys: Sequence[str], sequence_by: str | None,
          partition_by: Sequence[str] = (), arrival: Sequence[str] = ()) -> WriteMetrics:
    """Upsert on business keys; a row replaces the target's only when its sequence is newer (at
    one sequence value: when it arrived later, by the `arrival` columns). Source rows that
    change nothing (not newer) are counted as skipped."""
    spark = df.sparkSession
    if not _ready_to_write(spark, location):
        return _overwrite(df, location, note, partition_by, None, False)
    order = [c for c in [sequence_by, *arrival] if c]
    # Newer by sequence, then by arrival: the same winner whatever order batches come in.
    newer = delta_sql.newer(order) if order else None
    clauses = [delta_sql.when_matched_update_all(newer), delta_sql.when_not_matched_insert_all()]
    with session_conf(spark, merge_conf(note)):
        _run(lambda: delta_sql.merge(df, location, delta_sql.null_safe_on(keys), clauses))
    return last_write(spark, location, note)


def replace_partitions(df: DataFrame, location: str, note: str, partition_by: Sequence[str]
                       ) -> WriteMetrics:
    """Replace the partitions the rows fall in (a dynamic partition overwrite)."""
    spark = df.sparkSession
    committed = _ready_to_write(spark, location)
    if delta_sql.is_named(location):
        if committed:
            v2 = df.writeTo(location).option("mergeSchema", "true")
            _run(lambda: v2.overwritePartitions(), spark, location, note)
        else:
            _overwrite_named(df, location, note, partition_by, None, committed)
        return last_write(spark, location, note)
    writer = _writer(df, "overwrite", note, partition_by)
    if committed:
        writer = writer.option("partitionOverwriteMode", "dynamic").option("mergeSchema", "true")
    _run(lambda: writer.save(location))
    return last_write(spark, location, note)


def merge_conf(note: str) -> dict[str, str]:
    """Session settings for a MERGE: its commit note, and new columns reaching the target."""
    return {_COMMIT_NOTE_CONF: note, _AUTO_MERGE_CONF: "true"}


@contextmanager
def session_conf(spark: SparkSession, conf: dict[str, str]) -> Iterator[None]:
    previous = {key: spark.conf.get(key, None) for key in conf}
    for key, value in conf.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def _ready_to_write(spark: SparkSession, location: str) -> bool:
    """Whether a committed table is there to write to; a half-created one is cleaned up (it is
    then written fresh). Raises TableStateError when the table is corrupt: nothing is committed
    on top of a state Delta would misread."""
    state = table_health.check(spark, location)
    if state.status == "half-created":
        table_health.clean_up(spark, state)
    return state.committed


def save(spark: SparkSession, writer: DataFrameWriter, location: str) -> None:
    """Run `writer` to a path, or to a catalog name (its schema created when missing)."""
    if not delta_sql.is_named(location):
        writer.save(location)
        return
    delta_sql.ensure_schema(spark, location)
    writer.saveAsTable(location)


def _run(action: Callable[[], object], spark: SparkSession | None = None, location: str = "",
         note: str = "") -> None:
    """Run a write's Spark action; a data file gone from storage becomes a TableStateError
    naming the table (written or read) and the repair. A named table's commit gets its note
    from the session (a catalog write drops the writer's userMetadata option)."""
    named = spark is not None and delta_sql.is_named(location)
    try:
        if named:
            with session_conf(spark, {_COMMIT_NOTE_CONF: note}):
                action()
        else:
            action()
    except Exception as exc:
        missing = table_health.missing_file_error(exc)
        if missing is not None:
            raise missing from exc
        raise


def _writer(df: DataFrame, mode: str, note: str, partition_by: Sequence[str]) -> DataFrameWriter:
    writer = df.write.format("delta").mode(mode).option("userMetadata", note)
    return writer.partitionBy(*partition_by) if partition_by else writer


def last_write(spark: SparkSession, location: str, note: str) -> WriteMetrics:
    """Rows written by the commit tagged `note`, from the Delta log (0 if it made no commit).
    A few commits are searched: a concurrent run may have committed right after ours."""
    rows = delta_sql.history(spark, location, _RECENT)
    row = next((r for r in rows if r["userMetadata"] == note), None)
    if row is None:
        return WriteMetrics("NONE", 0, int(rows[0]["version"]))
    metrics = row["operationMetrics"] or {}
    if row["operation"] == "MERGE":
        written = int(metrics.get("numTargetRowsInserted", 0)) + \
            int(metrics.get("numTargetRowsUpdated", 0))
        source = int(metrics.get("numSourceRows", 0))
        return WriteMetrics(row["operation"], written, int(row["version"]), source - written, source)
    rows = int(metrics.get("numOutputRows", 0))
    return WriteMetrics(row["operation"], rows, int(row["version"]), rows_in=rows)
