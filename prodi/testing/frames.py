"""DataFrames compared with chispa: against golden text or expected rows. Spark is imported
when a comparison runs, never when this module is imported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from prodi.testing.golden import GoldenTable

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def visible_columns(df: DataFrame) -> list[str]:
    """The business columns: all but prodi's `_` metadata (run ids, ingestion times, ...)."""
    return [c for c in df.columns if not c.startswith("_")]


def as_text(df: DataFrame, columns: Sequence[str] | None = None) -> GoldenTable:
    """The table's rows as text, the way golden files hold them (nested values as JSON)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    columns = list(columns or visible_columns(df))
    nested = (T.ArrayType, T.MapType, T.StructType)
    exprs = [(F.to_json(F.col(c)) if isinstance(df.schema[c].dataType, nested)
              else F.col(c).cast("string")).alias(c) for c in columns]
    return GoldenTable(tuple(columns), tuple(tuple(r) for r in df.select(*exprs).collect()))


def assert_text_equal(spark: SparkSession, actual: GoldenTable, expected: GoldenTable) -> None:
    """chispa's comparison of two text tables, in any row order."""
    from chispa import assert_df_equality

    assert_df_equality(_frame(spark, actual), _frame(spark, expected), ignore_row_order=True,
                       ignore_nullable=True, underline_cells=True)


def assert_rows(df: DataFrame, expected: Sequence[Mapping[str, Any]],
                columns: Sequence[str] | None = None) -> None:
    """The table holds exactly `expected` (dicts of typed values: Decimal, date, ...), in any order,
    over `columns` (default: the keys of the expected rows, else the business columns)."""
    from chispa import assert_df_equality

    columns = list(columns or dict.fromkeys(k for row in expected for k in row)
                   or visible_columns(df))
    actual = df.select(*columns)
    wanted = df.sparkSession.createDataFrame([tuple(row.get(c) for c in columns) for row in expected],
                                             actual.schema)
    assert_df_equality(actual, wanted, ignore_row_order=True, ignore_nullable=True,
                       underline_cells=True)


def _frame(spark: SparkSession, table: GoldenTable) -> DataFrame:
    from pyspark.sql import types as T

    schema = T.StructType([T.StructField(c, T.StringType()) for c in table.columns])
    return spark.createDataFrame(list(table.rows), schema)
