"""Delta table maintenance by path: table properties, liquid clustering, OPTIMIZE and VACUUM.

The statements are SQL text built here without Spark, so a dry-run prints exactly what a run
executes; the functions that execute them import Spark only when called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodi.io.delta_sql import ident, table_ref

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Delta refuses a VACUUM retention under 7 days unless this check is off (for that call only).
RETENTION_CHECK_CONF = "spark.databricks.delta.retentionDurationCheck.enabled"
# VACUUM records VACUUM START / VACUUM END commits (with the files deleted) only when this is on.
VACUUM_LOGGING_CONF = "spark.databricks.delta.vacuum.logging.enabled"


def _columns(columns: Sequence[str]) -> str:
    return ", ".join(ident(c) for c in columns)


def set_properties_sql(location: str, properties: Mapping[str, str]) -> str:
    pairs = ", ".join(f"'{k}' = '{v}'" for k, v in
                      ((k.replace("'", "\\'"), str(v).replace("'", "\\'"))
                       for k, v in properties.items()))
    return f"ALTER TABLE {table_ref(location)} SET TBLPROPERTIES ({pairs})"


def cluster_by_sql(location: str, columns: Sequence[str]) -> str:
    return f"ALTER TABLE {table_ref(location)} CLUSTER BY ({_columns(columns)})"


def optimize_sql(location: str, zorder_by: Sequence[str] = ()) -> str:
    zorder = f" ZORDER BY ({_columns(zorder_by)})" if zorder_by else ""
    return f"OPTIMIZE {table_ref(location)}{zorder}"


def vacuum_sql(location: str, retention_hours: int) -> str:
    return f"VACUUM {table_ref(location)} RETAIN {retention_hours} HOURS"


@dataclass(frozen=True)
class TableLayout:
    """How an existing Delta table lays out its files."""

    partition_columns: tuple[str, ...]
    clustering_columns: tuple[str, ...]
    properties: dict[str, str]


@dataclass(frozen=True)
class FileCounts:
    added: int = 0
    removed: int = 0


def layout(spark: SparkSession, location: str) -> TableLayout | None:
    """The table's partition and clustering columns and its properties; None when there is no
    Delta table there."""
    from prodi.io.delta_sql import detail

    row = detail(spark, location)
    if row is None:
        return None
    return TableLayout(tuple(row.get("partitionColumns") or ()),
                       tuple(row.get("clusteringColumns") or ()), dict(row.get("properties") or {}))


def set_properties(spark: SparkSession, location: str, properties: Mapping[str, str]) -> None:
    spark.sql(set_properties_sql(location, properties))


def cluster_by(spark: SparkSession, location: str, columns: Sequence[str]) -> None:
    """Make the table a liquid-clustered one on `columns` (Delta refuses partitioned tables)."""
    spark.sql(cluster_by_sql(location, columns))


def optimize(spark: SparkSession, location: str, zorder_by: Sequence[str] = ()) -> FileCounts:
    """Compact (and Z-order, or cluster) the table's files; the files it added and removed."""
    rows = spark.sql(optimize_sql(location, zorder_by)).collect()
    metrics = rows[0]["metrics"] if rows else None
    if metrics is None:
        return FileCounts()
    return FileCounts(int(metrics["numFilesAdded"] or 0), int(metrics["numFilesRemoved"] or 0))


def vacuum(spark: SparkSession, location: str, retention_hours: int, force: bool) -> int:
    """Delete files no version within the retention needs; how many it deleted. With `force`,
    Delta's 7-day safety check is off for this call only."""
    conf = {VACUUM_LOGGING_CONF: "true"}
    if force:
        conf[RETENTION_CHECK_CONF] = "false"
    from prodi.io.delta_tables import session_conf

    with session_conf(spark, conf):
        spark.sql(vacuum_sql(location, retention_hours)).collect()
    return _files_vacuumed(spark, location)


def _files_vacuumed(spark: SparkSession, location: str) -> int:
    from prodi.io.delta_sql import history

    for row in history(spark, location, 5):
        if row["operation"] == "VACUUM END":
            return int((row["operationMetrics"] or {}).get("numDeletedFiles", 0))
    return 0
