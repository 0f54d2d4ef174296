"""Landed files: find them in a landing folder (any Hadoop filesystem) and read them as delivered.

A file's landed date comes from its path relative to the landing folder (its name, unless the
folder is read recursively): the first match of `date_pattern`, or its groups, so dates spelled
as folders (`2026/01/03/part-1.csv` with `(\\d{4})/(\\d{2})/(\\d{2})`) work as well as dates in
names. The date helpers import no Spark, so validation can use them.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    from pyspark.sql import Column, SparkSession

_PARTS = ("year", "month", "day")


@dataclass(frozen=True)
class LandedFile:
    path: str
    name: str  # its path relative to the landing folder (its file name, unless recursive)
    landed_date: str | None
    size: int
    modified: int  # ms since the epoch


def normalize_path(path: str) -> str:
    """One spelling per file: `file:/x`, `file:///x` and `/x` are the same file."""
    parsed = urlparse(path)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path)
    return f"{parsed.scheme}://{parsed.netloc}{unquote(parsed.path)}"


def date_pattern_problem(pattern: str) -> str | None:
    """Why `pattern` can't give a landed date (None: it can). The date is the whole match, its
    one group, or three groups (year, month, day; or named so) joined with dashes."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"{pattern!r} ({exc})"
    if set(_PARTS) <= set(compiled.groupindex) or compiled.groups in (0, 1, 3):
        return None
    return f"{pattern!r} ({compiled.groups} groups)"


def landed_date(name: str, date_pattern: str | None) -> str | None:
    """The landed date `date_pattern` finds in `name` (a path relative to the landing folder)."""
    if date_pattern is None:
        return None
    m = re.search(date_pattern, name)
    if m is None:
        return None
    if set(_PARTS) <= set(m.re.groupindex):
        parts = [m.group(p) for p in _PARTS]
    elif m.re.groups == 3:
        parts = list(m.groups())
    else:
        parts = [m.group(m.re.groups)]  # the whole match, or its one group
    return None if None in parts else "-".join(parts)  # a group left out: no date


@dataclass(frozen=True)
class LandingFolder:
    """A folder of delivered files (secrets already resolved in its path)."""

    path: str
    glob: str
    date_pattern: str | None
    recursive: bool = False  # files at any depth whose name matches the glob

    def list(self, spark: SparkSession) -> list[LandedFile]:
        """The files matching the glob, sorted by their path relative to the folder."""
        jvm = spark.sparkContext._jvm
        hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
        root = jvm.org.apache.hadoop.fs.Path(self.path.rstrip("/"))
        fs = root.getFileSystem(hadoop_conf)
        if self.recursive:
            statuses = []
            found = fs.listFiles(root, True)
            while found.hasNext():
                status = found.next()
                if fnmatch.fnmatchcase(status.getPath().getName(), self.glob):
                    statuses.append(status)
        else:
            pattern = jvm.org.apache.hadoop.fs.Path(f"{self.path.rstrip('/')}/{self.glob}")
            statuses = [s for s in fs.globStatus(pattern) or [] if not s.isDirectory()]
        base = normalize_path(fs.makeQualified(root).toString()).rstrip("/") + "/"
        files = []
        for status in statuses:
            path = normalize_path(status.getPath().toString())
            name = path[len(base):] if path.startswith(base) else status.getPath().getName()
            files.append(LandedFile(path, name, landed_date(name, self.date_pattern),
                                    status.getLen(), status.getModificationTime()))
        return sorted(files, key=lambda f: f.name)

    def exists(self, spark: SparkSession) -> bool:
        jvm = spark.sparkContext._jvm
        path = jvm.org.apache.hadoop.fs.Path(self.path)
        return bool(path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(path))


def source_file_column() -> Column:
    """The file a record came from, spelled like `normalize_path` spells it."""
    from pyspark.sql import functions as F

    raw = F.col("_metadata.file_path")
    return F.when(raw.startswith("file:"), F.regexp_replace(raw, r"^file:(//)?", "")).otherwise(raw)
