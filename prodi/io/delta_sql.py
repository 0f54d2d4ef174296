"""Delta operations as Spark SQL: MERGE, DESCRIBE HISTORY, DESCRIBE DETAIL.

One code path for classic Spark, Spark Connect and Databricks serverless: the SQL runs wherever
the session's server has Delta's SQL extension, with no Python Delta API (whose Connect flavour
needs Delta's Connect server plugin). A table is named by `table_ref`: a path as
delta.`<path>`, or a catalog name (`main.sales.silver_orders`) part by part.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from loguru import logger

from prodi.model.layout import is_table_name as is_named

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, Row, SparkSession


def ident(name: str) -> str:
    """A column or name part, quoted for SQL (backticks doubled)."""
    return "`" + name.replace("`", "``") + "`"


def table_ref(table: str) -> str:
    """A Delta table in SQL: a location as delta.`<location>`, a catalog name part by part,
    each part quoted."""
    if not is_named(table):
        return f"delta.{ident(table)}"
    return ".".join(ident(part) for part in table.split("."))


def ensure_schema(spark: SparkSession, table: str) -> None:
    """Create a named table's schema (`catalog.schema`) when it doesn't exist yet."""
    schema = table.rsplit(".", 1)[0] if "." in table else None
    if schema is None or spark.catalog.databaseExists(schema):
        return
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS {table_ref(schema)}")
    logger.info("created schema {} for {}", schema, table)


def storage_location(spark: SparkSession, table: str) -> str | None:
    """Where a table's files are: a location as it is, a catalog name's from its catalog
    (DESCRIBE DETAIL); None when no Delta table has that name."""
    if not is_named(table):
        return table
    found = detail(spark, table)
    return None if found is None else str(found["location"])


def history(spark: SparkSession, table: str, limit: int) -> list[Row]:
    """The table's newest `limit` commits, newest first (DESCRIBE HISTORY's columns: version,
    timestamp, operation, operationMetrics, userMetadata, ...)."""
    return spark.sql(f"DESCRIBE HISTORY {table_ref(table)} LIMIT {int(limit)}").collect()


def detail(spark: SparkSession, table: str) -> dict[str, Any] | None:
    """DESCRIBE DETAIL's row as a dict (format, partitionColumns, clusteringColumns,
    properties, ...); None when no Delta table is there."""
    from pyspark.errors import PySparkException

    try:
        rows = spark.sql(f"DESCRIBE DETAIL {table_ref(table)}").collect()
    except PySparkException as exc:  # a missing path, or one that isn't a Delta table
        if _not_a_table(exc):
            return None
        raise
    row = rows[0].asDict() if rows else None
    return row if row is not None and row.get("format") == "delta" else None


def _not_a_table(exc: BaseException) -> bool:
    text = str(exc)
    return any(marker in text for marker in (
        "DELTA_MISSING_DELTA_TABLE", "DELTA_PATH_DOES_NOT_EXIST", "is not a Delta table",
        "doesn't exist", "does not exist", "PATH_NOT_FOUND", "TABLE_OR_VIEW_NOT_FOUND",
        "FileNotFoundException"))


@contextmanager
def temp_view(df: DataFrame) -> Iterator[str]:
    """`df` as a temporary view of a name no other call uses (threads, concurrent items),
    dropped afterwards."""
    name = f"prodi_source_{uuid.uuid4().hex}"
    df.createOrReplaceTempView(name)
    try:
        yield name
    finally:
        df.sparkSession.catalog.dropTempView(name)


# MERGE clauses, in the order they are given (Delta applies the first whose condition holds).
def when_matched_update_all(condition: str | None = None) -> str:
    return f"WHEN MATCHED{_and(condition)} THEN UPDATE SET *"


def when_matched_update(assignments: Mapping[str, str], condition: str | None = None) -> str:
    """UPDATE SET column = expression: target columns named bare (`c`), values as SQL."""
    pairs = ", ".join(f"t.{ident(c)} = {value}" for c, value in assignments.items())
    return f"WHEN MATCHED{_and(condition)} THEN UPDATE SET {pairs}"


def when_matched_delete(condition: str | None = None) -> str:
    return f"WHEN MATCHED{_and(condition)} THEN DELETE"


def when_not_matched_insert_all(condition: str | None = None) -> str:
    return f"WHEN NOT MATCHED{_and(condition)} THEN INSERT *"


def when_not_matched_insert(values: Mapping[str, str], condition: str | None = None) -> str:
    """INSERT (columns) VALUES (expressions): target columns named bare, values as SQL."""
    columns = ", ".join(ident(c) for c in values)
    return (f"WHEN NOT MATCHED{_and(condition)} THEN INSERT ({columns}) "
            f"VALUES ({', '.join(values.values())})")


def _and(condition: str | None) -> str:
    return f" AND ({condition})" if condition else ""


def merge_sql(table: str, source_view: str, on: str, clauses: Sequence[str]) -> str:
    """MERGE INTO the table AS t USING the view AS s ON `on`, then the clauses."""
    return "\n".join([f"MERGE INTO {table_ref(table)} AS t", f"USING {ident(source_view)} AS s",
                      f"ON {on}", *clauses])


def merge(source: DataFrame, table: str, on: str, clauses: Sequence[str]) -> None:
    """MERGE `source` (aliased s) into the table (aliased t)."""
    spark = source.sparkSession
    with temp_view(source) as view:
        spark.sql(merge_sql(table, view, on, clauses)).collect()


def null_safe_on(columns: Sequence[str]) -> str:
    """The join condition t.c <=> s.c for every column (NULL keys match NULL keys)."""
    return " AND ".join(f"t.{ident(c)} <=> s.{ident(c)}" for c in columns)


def newer(columns: Sequence[str]) -> str:
    """The source row is newer than the target's: by the columns in order (a struct compare)."""
    row = lambda a: "struct(" + ", ".join(f"{a}.{ident(c)}" for c in columns) + ")"  # noqa: E731
    return f"{row('s')} > {row('t')}"
