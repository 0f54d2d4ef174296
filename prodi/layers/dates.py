"""A run date scopes what a layer reads and which partition it replaces."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def date_scope(df: DataFrame, run_date: str | None, column: str = "_landed_date"
               ) -> tuple[DataFrame, str | None]:
    """The rows of the run date (all rows when None) and the matching `replaceWhere` predicate."""
    if run_date is None:
        return df, None
    return df.filter(F.col(column) == F.lit(run_date)), f"{column} = '{run_date}'"
