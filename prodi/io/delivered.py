"""Delivered records read by column name, whatever order or case each file's header has.

CSV files are grouped by header; each group is read with its own header as the schema, and the
groups are unioned by name, so a file that lacks a column or orders them differently never
shifts values. Names are trimmed and compared case-insensitively: a delivered `Currency ` is the
declared `currency`. Records the reader can't parse keep their raw text in `_corrupt_record`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from prodi.io.landing import LandedFile, source_file_column
from prodi.model.columns import CORRUPT, LANDED_DATE, RECORD_NUMBER, SOURCE_FILE
from prodi.model.errors import DataError

# Spark's monotonically increasing id: the partition in the upper 31 bits, the row in it below.
ORDER = "__prodi_order"
_IN_SPLIT = (1 << 33) - 1


class DeliveryError(DataError):
    """A delivered file that can't be read by column name."""


@dataclass(frozen=True)
class Delivery:
    # normalized columns (text for csv/json), _corrupt_record, file, date, and ORDER, from which
    # `with_record_numbers` numbers the records once their splits are counted
    records: DataFrame
    columns: dict[str, list[str]]  # file path -> its normalized column names (None: per record)


def normalize(name: str, declared: Sequence[str]) -> str:
    """A delivered column name as the config spells it: trimmed, matched case-insensitively."""
    key = name.strip().lower()
    return next((d for d in declared if d.strip().lower() == key), key)


def read_header(spark: SparkSession, file: LandedFile, encoding: str, delimiter: str) -> list[str] | None:
    """The first line of a CSV file split into names (None: the file is empty)."""
    from prodi.io.storage import storage_for

    line = storage_for(spark, file.path).first_line(file.path, encoding)
    if line is None:
        return None
    return next(csv.reader([line.lstrip("\ufeff")], delimiter=delimiter), [])


def read_delivery(spark: SparkSession, fmt: str, options: dict[str, str], files: list[LandedFile],
                  declared: Sequence[str]) -> Delivery:
    """The records of `files` by column name, with their file, landed date (its file's, as the
    listing found it) and record number."""
    if fmt == "csv" and options.get("header", "false").lower() == "true":
        frames, columns = _csv_by_header(spark, options, files, declared)
    else:
        reader = spark.read.format(fmt).options(**options)
        if fmt in ("csv", "json"):
            reader = reader.option("columnNameOfCorruptRecord", CORRUPT)
        with _case_sensitive(spark):  # `Amount` in one file and `amount` in another: both kept
            df = _positional(reader.load([f.path for f in files]))
        frames, columns = [_with_origin(_by_name(df, declared))], {}
    records = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
    if CORRUPT not in records.columns:
        records = records.withColumn(CORRUPT, F.lit(None).cast("string"))
    return Delivery(records.withColumn(LANDED_DATE, _landed_dates(files)), columns)


def _landed_dates(files: list[LandedFile]) -> Column:
    """Each record's file's landed date (NULL for undated files)."""
    dated = [x for f in files if f.landed_date is not None
             for x in (F.lit(f.path), F.lit(f.landed_date))]
    if not dated:
        return F.lit(None).cast("string")
    return F.element_at(F.create_map(*dated), F.col(SOURCE_FILE))


def split_of() -> Column:
    """Which split of the input a record was read in (its partition): a file read in several
    splits has them in file order, and each split's records in file order."""
    return F.shiftright(F.col(ORDER), 33)


def record_shifts(splits: list[tuple[str, int, int, int]]) -> dict[tuple[str, int], int]:
    """(file, split) -> what to add to a record's row index within its split to get its 1-based
    position in the file, from (file, split, first order id, records) of every split."""
    start: dict[str, int] = {}
    shifts = {}
    for path, split, first, rows in sorted(splits, key=lambda s: (s[0], s[1])):
        number = start.get(path, 0) + 1  # of the split's first record
        shifts[(path, split)] = number - (first & _IN_SPLIT)
        start[path] = number - 1 + rows
    return shifts


def with_record_numbers(records: DataFrame, splits: list[tuple[str, int, int, int]]) -> DataFrame:
    """Each record's 1-based position in its file, from (file, split, first order id, records)
    of every split, as one aggregate over the records gives them: no shuffle, no sort."""
    shifts = record_shifts(splits)
    if not shifts:
        return records.withColumn(RECORD_NUMBER, F.lit(None).cast("bigint")).drop(ORDER)
    pairs = [x for (path, split), shift in shifts.items()
             for x in (F.lit(f"{path}\0{split}"), F.lit(shift))]
    key = F.concat_ws("\0", F.col(SOURCE_FILE), split_of().cast("string"))
    number = F.col(ORDER).bitwiseAND(F.lit(_IN_SPLIT)) + F.element_at(F.create_map(*pairs), key)
    return records.withColumn(RECORD_NUMBER, number.cast("bigint")).drop(ORDER)


def _csv_by_header(spark: SparkSession, options: dict[str, str], files: list[LandedFile],
                   declared: Sequence[str]) -> tuple[list[DataFrame], dict[str, list[str]]]:
    encoding = options.get("encoding", options.get("charset", "UTF-8"))
    delimiter = options.get("sep", options.get("delimiter", ","))
    groups: dict[tuple[str, ...], list[LandedFile]] = {}
    columns: dict[str, list[str]] = {}
    for file in files:
        header = read_header(spark, file, encoding, delimiter)
        if header is None:
            continue
        names = [normalize(h, declared) or f"column_{i + 1}" for i, h in enumerate(header)]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise DeliveryError(f"file {file.path}: column(s) {twice} appear more than once in its "
                                "header (names are compared trimmed and case-insensitively)")
        columns[file.path] = names
        groups.setdefault(tuple(names), []).append(file)
    frames = []
    for names, group in groups.items():
        schema = T.StructType([T.StructField(n, T.StringType()) for n in names] +
                              [T.StructField(CORRUPT, T.StringType())])
        df = (spark.read.format("csv").options(**options)
              .option("columnNameOfCorruptRecord", CORRUPT).schema(schema)
              .load([f.path for f in group]))
        frames.append(_with_origin(df))
    if not frames:  # only empty files: no records, but the right shape
        schema = T.StructType([T.StructField(CORRUPT, T.StringType())])
        frames.append(_with_origin(spark.createDataFrame([], schema), empty=True))
    return frames, columns


def _positional(df: DataFrame) -> tuple[DataFrame, list[T.StructField]]:
    """The frame with columns renamed by position, and its delivered fields. Names that differ
    only in case can only be told apart while Spark is case-sensitive, so such a frame is
    materialized then (a local checkpoint) and never resolved by name again."""
    fields = df.schema.fields
    renamed = df.withColumn(SOURCE_FILE, source_file_column())
    renamed = renamed.toDF(*[f"__prodi_{i}" for i in range(len(fields))], SOURCE_FILE)
    if len({f.name.lower() for f in fields}) < len(fields):
        renamed = renamed.localCheckpoint(eager=True)
    return renamed, fields


def _by_name(frame: tuple[DataFrame, list[T.StructField]], declared: Sequence[str]) -> DataFrame:
    """Columns named as the config spells them, every value as text (raw stays text as
    delivered: typed parquet values cast exactly, objects and arrays as their JSON text); fields
    that differ only in case or spaces become one column."""
    nested = (T.StructType, T.ArrayType, T.MapType)
    df, fields = frame
    merged: dict[str, list] = {}
    for i, f in enumerate(fields):
        column = F.col(f"__prodi_{i}")
        name = f.name if f.name == CORRUPT else normalize(f.name, declared)
        if isinstance(f.dataType, nested):
            column = F.to_json(column)
        elif isinstance(f.dataType, T.BinaryType):
            column = F.base64(column)
        elif not isinstance(f.dataType, T.StringType):
            column = column.cast("string")
        merged.setdefault(name, []).append(column)
    return df.select(*[(F.coalesce(*cols) if len(cols) > 1 else cols[0]).alias(n)
                       for n, cols in merged.items()], SOURCE_FILE)


@contextmanager
def _case_sensitive(spark: SparkSession) -> Iterator[None]:
    key = "spark.sql.caseSensitive"
    previous = spark.conf.get(key)
    spark.conf.set(key, "true")
    try:
        yield
    finally:
        spark.conf.set(key, previous)


def _with_origin(df: DataFrame, empty: bool = False) -> DataFrame:
    if SOURCE_FILE not in df.columns:
        df = df.withColumn(SOURCE_FILE, F.lit(None).cast("string") if empty else source_file_column())
    return df.withColumn(ORDER, F.monotonically_increasing_id())
