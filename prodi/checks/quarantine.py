"""Rows that fail a rule, as quarantine records: their values as text, every broken rule, where
they came from. One shape for every layer and dataset, so quarantine tables are read alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodi.model.columns import (
    ERRORS,
    LANDED_DATE,
    QUARANTINED_AT,
    RAW_RECORD,
    RECORD_NUMBER,
    RESCUED,
    RUN_ID,
    SOURCE_FILE,
    VALUES,
)

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

ERROR_TYPE = "struct<rule:string,expression:string,columns:array<string>>"


@dataclass(frozen=True)
class Failure:
    """A rule as recorded in `_errors`: its name, its expression and the columns it reads."""

    rule: str
    expression: str
    columns: tuple[str, ...]


def errors_column(failures: Sequence[tuple[Column, Failure]]) -> Column:
    """`_errors` of a row: one struct per failure whose flag is true there, in rule order."""
    from pyspark.sql import functions as F

    if not failures:
        return F.array().cast(f"array<{ERROR_TYPE}>")
    entries = [F.when(failed, F.struct(F.lit(f.rule).alias("rule"),
                                        F.lit(f.expression).alias("expression"),
                                        F.array(*[F.lit(c) for c in f.columns])
                                        .cast("array<string>").alias("columns")))
               for failed, f in failures]
    return F.filter(F.array(*entries), lambda e: e.isNotNull()).cast(f"array<{ERROR_TYPE}>")


def value_columns(df: DataFrame) -> list[str]:
    """The record's own columns (not prodi's metadata), plus its rescued data."""
    return [c for c in df.columns if not c.startswith("_") or c == RESCUED]


def quarantine_rows(df: DataFrame, errors: Column, values: Sequence[str], run_id: str,
                    raw_record: Column | None = None) -> DataFrame:
    """`df`'s rows as quarantine records: `values` as text in `_values`, the raw record when the
    row could not be parsed, `_errors`, the row's file, record number and landed date."""
    from pyspark.sql import functions as F

    def carried(name: str, cast: str) -> Column:
        return (F.col(name) if name in df.columns else F.lit(None)).cast(cast).alias(name)

    names = [c for c in values if c in df.columns]
    value_map = (F.map_from_arrays(F.array(*[F.lit(c) for c in names]),
                                   F.array(*[F.col(f"`{c}`").cast("string") for c in names]))
                 if names else F.create_map().cast("map<string,string>"))
    return df.select(
        value_map.alias(VALUES),
        (raw_record if raw_record is not None else F.lit(None)).cast("string").alias(RAW_RECORD),
        errors.alias(ERRORS),
        carried(SOURCE_FILE, "string"), carried(RECORD_NUMBER, "bigint"),
        carried(LANDED_DATE, "string"),
        F.lit(run_id).alias(RUN_ID), F.current_timestamp().alias(QUARANTINED_AT))
