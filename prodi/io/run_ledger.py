"""The run ledger: two Delta tables beside the lakehouse's, one row per run and one per item run.

`<root>/_prodi/runs` (by name: `<catalog>.<schema>.prodi_runs`) holds a row per layer run, chain,
sweep and backfill (children name their parent); `<root>/_prodi/dataset_runs`
(`prodi_dataset_runs`) a row per dataset or mart a layer run ran. Rows are built by
`prodi.app.ledger`; this module only writes and reads them. Appends are blind (they read nothing
from the table), so concurrent runs conflict only while the table is being created, and those
conflicts are retried.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from prodi.io import delta_tables
from prodi.io.conflicts import retry_on_conflict
from prodi.model.layout import TableSpace

RUNS = "_prodi/runs"
DATASET_RUNS = "_prodi/dataset_runs"

RUNS_SCHEMA = (
    "run_id STRING NOT NULL, parent_id STRING, kind STRING NOT NULL, status STRING NOT NULL, "
    "layer STRING, cloud STRING, env STRING, pipeline STRING, run_date STRING, "
    "command STRING, overrides ARRAY<STRING>, started_at TIMESTAMP, ended_at TIMESTAMP, "
    "duration_s DOUBLE, prodi_version STRING, build STRING, config_sha256 STRING, "
    "spark_version STRING, delta_version STRING, error STRING, databricks_job_id STRING, "
    "databricks_run_id STRING, databricks_task_run_id STRING"
)
DATASET_RUNS_SCHEMA = (
    "run_id STRING NOT NULL, layer STRING NOT NULL, dataset STRING NOT NULL, target STRING, "
    "status STRING NOT NULL, note STRING, run_date STRING, rows_read BIGINT, rows_written BIGINT, "
    "rows_quarantined BIGINT, rows_dropped BIGINT, rows_superseded BIGINT, "
    "version_written BIGINT, failed_rules MAP<STRING, BIGINT>, rule_actions MAP<STRING, STRING>, "
    "started_at TIMESTAMP, duration_s DOUBLE"
)


def location(tables: TableSpace, table: str) -> str:
    return tables.table(*table.rsplit("/", 1))


def append(spark: SparkSession, tables: TableSpace, runs: Sequence[dict[str, Any]],
           dataset_runs: Sequence[dict[str, Any]] = ()) -> None:
    """Append the rows: item runs first, so a run a reader sees always has its item rows."""
    for table, schema, rows in ((DATASET_RUNS, DATASET_RUNS_SCHEMA, dataset_runs),
                                (RUNS, RUNS_SCHEMA, runs)):
        if not rows:
            continue
        target = location(tables, table)
        df = spark.createDataFrame([dict(r) for r in rows], schema)

        def write(df=df, target=target) -> None:  # noqa: ANN001 - bound loop values
            delta_tables.save(spark, df.write.format("delta").mode("append")
                              .option("mergeSchema", "true"), target)

        retry_on_conflict(write, target)


def recent_runs(spark: SparkSession, tables: TableSpace, limit: int | None = 20,
                kinds: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Runs, newest first (all of them with `limit=None`); [] before the first run."""
    target = location(tables, RUNS)
    if not delta_tables.exists(spark, target):
        return []
    df = delta_tables.read(spark, target)
    if kinds:
        df = df.where(F.col("kind").isin(list(kinds)))
    df = df.orderBy(F.col("started_at").desc(), F.col("run_id").desc())
    return [r.asDict(recursive=True) for r in (df.limit(limit) if limit else df).collect()]


def runs_by_id(spark: SparkSession, tables: TableSpace, prefix: str) -> list[dict[str, Any]]:
    """The runs whose id starts with `prefix`, and the runs whose parent's id does."""
    target = location(tables, RUNS)
    if not delta_tables.exists(spark, target):
        return []
    df = delta_tables.read(spark, target)
    match = F.col("run_id").startswith(prefix) | F.col("parent_id").startswith(prefix)
    return [r.asDict(recursive=True) for r in df.where(match).orderBy("started_at").collect()]


def dataset_runs(spark: SparkSession, tables: TableSpace, run_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The item rows of those runs, in running order."""
    target = location(tables, DATASET_RUNS)
    if not run_ids or not delta_tables.exists(spark, target):
        return []
    df = delta_tables.read(spark, target).where(F.col("run_id").isin(list(run_ids)))
    return [r.asDict(recursive=True) for r in df.orderBy("started_at", "layer", "dataset").collect()]
