"""The files of a Delta table folder, listed and read without Delta: its `_delta_log` entries,
a few commit and checksum files, the data files under it.

Local tables (a local Spark master and a path on this machine) are read with the os module,
in microseconds; any other location (s3a://, abfss://, dbfs:, a cluster's default filesystem)
through Spark's own filesystem access (the `binaryFile` source), a small job per call.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOG = "_delta_log"


@dataclass(frozen=True)
class DataFile:
    path: str  # relative to the table folder, e.g. `_landed_date=2026-01-01/part-0000.parquet`
    modified: float  # seconds since the epoch


class TableFiles(Protocol):
    def log_names(self, location: str) -> list[str] | None:
        """The entries of the table's `_delta_log` (None: it has none)."""

    def read(self, location: str, names: list[str]) -> dict[str, bytes]:
        """The content of these `_delta_log` files, by name; raises when one can't be read."""

    def data_files(self, location: str) -> list[DataFile]:
        """Every file under the table folder outside `_delta_log` and hidden names."""

    def remove(self, location: str, paths: list[str]) -> int:
        """Delete these data files (relative paths); how many were deleted."""


def files_of(spark: SparkSession, location: str) -> TableFiles:
    """The cheapest access that sees `location` as Spark does."""
    if local_path(spark, location) is not None:
        return LocalFiles()
    return SparkFiles(spark)


def local_path(spark: SparkSession, location: str) -> str | None:
    """`location` as a path of this machine, when Spark's view of it is this machine's too."""
    parsed = urlparse(location)
    if parsed.scheme not in ("", "file") or not spark.conf.get("spark.master", "").startswith("local"):
        return None
    return unquote(parsed.path) if parsed.scheme else location


def hidden(name: str) -> bool:
    """Names Spark and Delta skip in a table folder (a `_key=value` partition folder is not)."""
    return name.startswith(".") or (name.startswith("_") and "=" not in name)


class LocalFiles:
    def log_names(self, location: str) -> list[str] | None:
        folder = os.path.join(_local(location), LOG)
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else None

    def read(self, location: str, names: list[str]) -> dict[str, bytes]:
        contents = {}
        for name in names:
            with open(os.path.join(_local(location), LOG, name), "rb") as f:
                contents[name] = f.read()
        return contents

    def data_files(self, location: str) -> list[DataFile]:
        root = _local(location)
        found = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not hidden(d)]
            for name in names:
                if not hidden(name):
                    path = os.path.join(folder, name)
                    found.append(DataFile(os.path.relpath(path, root), os.path.getmtime(path)))
        return found

    def remove(self, location: str, paths: list[str]) -> int:
        root = _local(location)
        for path in paths:
            os.remove(os.path.join(root, path))
            checksum = os.path.join(root, os.path.dirname(path), f".{os.path.basename(path)}.crc")
            if os.path.exists(checksum):  # Hadoop's local checksum beside each file
                os.remove(checksum)
        return len(paths)


class SparkFiles:
    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def log_names(self, location: str) -> list[str] | None:
        from pyspark.sql.utils import AnalysisException

        try:  # listing only: building the DataFrame lists the folder, no job runs
            paths = self.spark.read.format("binaryFile").load(f"{location.rstrip('/')}/{LOG}").inputFiles()
        except AnalysisException:
            return None
        return sorted(p.rsplit("/", 1)[-1] for p in paths)

    def read(self, location: str, names: list[str]) -> dict[str, bytes]:
        if not names:
            return {}
        log = f"{location.rstrip('/')}/{LOG}/"
        rows = self.spark.read.format("binaryFile").load([log + n for n in names]) \
            .select("path", "content").collect()
        return {r["path"].rsplit("/", 1)[-1]: bytes(r["content"]) for r in rows}

    def data_files(self, location: str) -> list[DataFile]:
        from pyspark.sql.utils import AnalysisException

        root = location.rstrip("/")
        try:
            rows = self.spark.read.format("binaryFile").option("recursiveFileLookup", "true") \
                .load(root).select("path", "modificationTime").collect()
        except AnalysisException:
            return []
        prefix = _uri_path(root) + "/"
        return [DataFile(_uri_path(r["path"])[len(prefix):], r["modificationTime"].timestamp())
                for r in rows if _uri_path(r["path"]).startswith(prefix)]

    def remove(self, location: str, paths: list[str]) -> int:
        """Through fsspec, when it has a filesystem for the scheme; else nothing is deleted (a
        VACUUM of the table removes the files later)."""
        try:
            import fsspec

            fs, root = fsspec.core.url_to_fs(location)
        except (ImportError, ValueError):
            return 0
        fs.rm([f"{root.rstrip('/')}/{p}" for p in paths])
        return len(paths)


def age_s(file: DataFile) -> float:
    return time.time() - file.modified


def _local(location: str) -> str:
    parsed = urlparse(location)
    return unquote(parsed.path) if parsed.scheme == "file" else location


def _uri_path(uri: str) -> str:
    """A URI's host and path, one spelling for `/x`, `file:/x` and `file:///x`."""
    parsed = urlparse(uri)
    return f"{parsed.netloc}{unquote(parsed.path)}".rstrip("/")
