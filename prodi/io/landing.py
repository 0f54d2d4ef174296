"""Landed files: find them in a landing folder (any Hadoop filesystem) and read them as delivered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from prodi.config.schema.pipeline import SourceSpec


@dataclass(frozen=True)
class LandedFile:
    path: str
    name: str
    landed_date: str | None
    size: int


def normalize_path(path: str) -> str:
    """One spelling per file: `file:/x`, `file:///x` and `/x` are the same file."""
    parsed = urlparse(path)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path)
    return f"{parsed.scheme}://{parsed.netloc}{unquote(parsed.path)}"


def landed_date(name: str, date_pattern: str | None) -> str | None:
    if date_pattern is None:
        return None
    m = re.search(date_pattern, name)
    return m.group(0) if m else None


def list_landed(spark: SparkSession, source: SourceSpec) -> list[LandedFile]:
    """The files in the landing folder matching the source's glob, sorted by name."""
    jvm = spark.sparkContext._jvm
    hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
    pattern = jvm.org.apache.hadoop.fs.Path(f"{source.path.rstrip('/')}/{source.glob}")
    fs = pattern.getFileSystem(hadoop_conf)
    statuses = fs.globStatus(pattern) or []
    files = []
    for status in statuses:
        if status.isDirectory():
            continue
        path = status.getPath()
        name = path.getName()
        files.append(LandedFile(normalize_path(path.toString()), name,
                                landed_date(name, source.date_pattern), status.getLen()))
    return sorted(files, key=lambda f: f.name)


def read_landed(spark: SparkSession, source: SourceSpec, files: list[LandedFile]) -> DataFrame:
    """The records of `files` as delivered (text columns), with `_source_file` and `_landed_date`."""
    reader = spark.read.format(source.format).options(**source.options)
    df = reader.load([f.path for f in files])
    df = df.withColumn("_source_file", source_file_column())
    if source.date_pattern is not None:
        df = df.withColumn("_landed_date",
                           F.regexp_extract(F.col("_source_file"), source.date_pattern, 0))
    else:
        df = df.withColumn("_landed_date", F.lit(None).cast("string"))
    return df


def source_file_column() -> Column:
    """The file a record came from, spelled like `normalize_path` spells it."""
    raw = F.col("_metadata.file_path")
    return F.when(raw.startswith("file:"), F.regexp_replace(raw, r"^file:(//)?", "")).otherwise(raw)
