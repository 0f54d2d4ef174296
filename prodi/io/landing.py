"""Landed files: find them in a landing folder (any Hadoop filesystem) and read them as delivered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F


@dataclass(frozen=True)
class LandedFile:
    path: str
    name: str
    landed_date: str | None
    size: int
    modified: int  # ms since the epoch


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


@dataclass(frozen=True)
class LandingFolder:
    """A folder of delivered files (secrets already resolved in its path)."""

    path: str
    glob: str
    date_pattern: str | None

    def list(self, spark: SparkSession) -> list[LandedFile]:
        """The files matching the glob, sorted by name."""
        jvm = spark.sparkContext._jvm
        hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
        pattern = jvm.org.apache.hadoop.fs.Path(f"{self.path.rstrip('/')}/{self.glob}")
        fs = pattern.getFileSystem(hadoop_conf)
        files = []
        for status in fs.globStatus(pattern) or []:
            if status.isDirectory():
                continue
            path = status.getPath()
            name = path.getName()
            files.append(LandedFile(normalize_path(path.toString()), name,
                                    landed_date(name, self.date_pattern), status.getLen(),
                                    status.getModificationTime()))
        return sorted(files, key=lambda f: f.name)

    def exists(self, spark: SparkSession) -> bool:
        jvm = spark.sparkContext._jvm
        path = jvm.org.apache.hadoop.fs.Path(self.path)
        return bool(path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(path))


def source_file_column() -> Column:
    """The file a record came from, spelled like `normalize_path` spells it."""
    raw = F.col("_metadata.file_path")
    return F.when(raw.startswith("file:"), F.regexp_replace(raw, r"^file:(//)?", "")).otherwise(raw)
