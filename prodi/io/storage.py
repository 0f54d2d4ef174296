"""Folders and files outside Spark: list a landing folder, check a path, read a file's first line.

Spark Connect has no JVM in this process, so none of this goes through Hadoop's classes. A
folder is listed by the Python process itself, one listing call per folder:

- through fsspec for local paths and cloud URIs (Hadoop's schemes mapped to fsspec's protocols:
  s3a:// → s3://, abfss:// → abfs://, gs:// → gcs://); credentials come from the environment or
  fsspec's config, as its filesystem (s3fs, adlfs, gcsfs) looks for them;
- on a Databricks cluster, `dbfs:/` and `/Volumes/` through their mounts on the driver (`/dbfs`,
  `/Volumes`), and any other URI through `dbutils.fs`, which has the workspace's credentials;
- on classic Spark, a scheme fsspec has no filesystem installed for through Hadoop's
  (`prodi.runtime.classic`), as before: the session's Hadoop configuration has its credentials.

Paths are reported as the caller spelled the folder, so they match Spark's `_metadata.file_path`.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlparse

from prodi.runtime.classic import classic_jvm
from prodi.runtime.platform import on_databricks

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Hadoop's schemes that fsspec spells differently (fsspec knows s3a too, but not abfss or wasbs).
FSSPEC_PROTOCOLS = {"s3a": "s3", "s3n": "s3", "abfss": "abfs", "wasb": "az", "wasbs": "az",
                    "gs": "gcs"}
_HEAD_BYTES = 1 << 16  # dbutils.fs.head: as much of a file as a header line may take


class StorageError(RuntimeError):
    """A folder that can't be listed from this process, with what would make it listable."""


@dataclass(frozen=True)
class Entry:
    name: str  # the last segment of its path
    size: int
    modified: int  # ms since the epoch
    is_dir: bool


class Storage(Protocol):
    """One filesystem, addressed by paths as the user spells them."""

    def ls(self, folder: str) -> list[Entry] | None:
        """The entries directly in `folder` (None: there is no such folder)."""

    def exists(self, path: str) -> bool:
        """Whether a file or folder is there."""

    def first_line(self, path: str, encoding: str) -> str | None:
        """The file's first line without its line break (None: the file is empty)."""


def fsspec_url(path: str, mounts: tuple[str, ...] = ()) -> str:
    """`path` as fsspec addresses it: Hadoop's scheme mapped to fsspec's protocol, and `dbfs:/`
    paths as the driver's mounts (`mounts`: "/dbfs", "/Volumes", those a Databricks driver has)."""
    parsed = urlparse(path)
    scheme = parsed.scheme.lower()
    if scheme in ("", "file"):
        return parsed.path if scheme else path
    if scheme == "dbfs" and not parsed.netloc:
        inner = parsed.path
        if inner.startswith("/Volumes/") and "/Volumes" in mounts:
            return inner
        if not inner.startswith("/Volumes/") and "/dbfs" in mounts:
            return f"/dbfs{inner}"
        return path
    protocol = FSSPEC_PROTOCOLS.get(scheme)
    return f"{protocol}{path[len(scheme):]}" if protocol else path


def databricks_mounts() -> tuple[str, ...]:
    """The mounts of DBFS and Unity Catalog volumes on this Databricks driver (serverless
    compute has no `/dbfs`)."""
    if not on_databricks():
        return ()
    return tuple(m for m in ("/dbfs", "/Volumes") if os.path.isdir(m))


def storage_for(spark: SparkSession | None, path: str) -> Storage:
    """The filesystem that lists `path` from this process (see the module's docstring)."""
    import fsspec

    mounts = databricks_mounts()
    url = fsspec_url(path, mounts)
    scheme = urlparse(url).scheme
    if not urlparse(path).scheme and not any(url.startswith(f"{m}/") for m in mounts):
        # Spark resolves a path without a scheme against the default filesystem: the driver's
        # disk locally, but HDFS on a YARN cluster and DBFS on Databricks; list where it reads.
        jvm = classic_jvm(spark)
        if jvm is not None and not jvm.default_fs().startswith("file:"):
            return jvm
        if jvm is None and on_databricks():
            return DbutilsStorage(spark)
    if scheme and on_databricks():
        return DbutilsStorage(spark)
    try:
        fs, _ = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:  # no fsspec filesystem for it here
        jvm = classic_jvm(spark)
        if jvm is not None:
            return jvm
        raise StorageError(f"can't list {path} from this process: {exc} (fsspec needs the "
                           f"filesystem package for {scheme}://, with credentials in the "
                           "environment or fsspec's config)") from exc
    return FsspecStorage(fs, mounts)


class FsspecStorage:
    def __init__(self, fs: Any, mounts: tuple[str, ...] = ()) -> None:
        self.fs, self.mounts = fs, mounts
        self.local = "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))

    def _path(self, path: str) -> str:
        return self.fs._strip_protocol(fsspec_url(path, self.mounts)).rstrip("/") or "/"

    def ls(self, folder: str) -> list[Entry] | None:
        root = self._path(folder)
        self.fs.invalidate_cache(root)  # a long run lists a landing folder again: fresh
        try:
            infos = self.fs.ls(root, detail=True)
        except (FileNotFoundError, NotADirectoryError):
            return None
        entries = []
        for info in infos:
            name = info["name"].rstrip("/")
            if name == root:  # listing a file gives the file
                return None
            is_dir = info.get("type") == "directory"
            if self.local and not is_dir and _checksum(name):
                continue  # Hadoop's checksum beside a file it wrote: hidden, as Hadoop hides it
            entries.append(Entry(name.rsplit("/", 1)[-1], int(info.get("size") or 0),
                                 modified_ms(info), is_dir))
        return entries

    def exists(self, path: str) -> bool:
        root = self._path(path)
        self.fs.invalidate_cache(root)
        return bool(self.fs.exists(root))

    def first_line(self, path: str, encoding: str) -> str | None:
        with self.fs.open(self._path(path), "rb") as raw:
            # undecodable bytes replaced, as Java's readers do
            line = io.TextIOWrapper(raw, encoding=encoding, errors="replace").readline()
        return line.rstrip("\n") if line else None


class DbutilsStorage:
    """A Databricks cluster's `dbutils.fs`, for URIs the driver has no mount or fsspec for."""

    def __init__(self, spark: Any = None, dbutils: Any = None) -> None:
        self._spark, self._dbutils = spark, dbutils

    @property
    def dbutils(self) -> Any:
        if self._dbutils is None:
            try:  # serverless and shared clusters too
                from databricks.sdk.runtime import dbutils
            except ImportError:
                from pyspark.dbutils import DBUtils  # type: ignore[import-not-found]

                dbutils = DBUtils(self._spark)
            self._dbutils = dbutils
        return self._dbutils

    def ls(self, folder: str) -> list[Entry] | None:
        try:
            infos = self.dbutils.fs.ls(folder)
        except Exception as exc:  # noqa: BLE001 - dbutils wraps Java's exceptions in its own
            if _not_found(exc):
                return None
            raise
        if len(infos) == 1 and not infos[0].name.endswith("/") and \
                infos[0].path.rstrip("/") == folder.rstrip("/"):
            return None  # listing a file gives the file
        return [Entry(i.name.rstrip("/"), int(i.size), int(getattr(i, "modificationTime", 0)),
                      i.name.endswith("/")) for i in infos]

    def exists(self, path: str) -> bool:
        try:
            self.dbutils.fs.ls(path)
        except Exception as exc:  # noqa: BLE001 - see ls
            if _not_found(exc):
                return False
            raise
        return True

    def first_line(self, path: str, encoding: str) -> str | None:
        text = self.dbutils.fs.head(path, _HEAD_BYTES)  # dbutils decodes it as UTF-8
        return text.splitlines()[0] if text else None


def modified_ms(info: dict[str, Any]) -> int:
    """A file's modification time in ms, from whichever key its fsspec filesystem gives it in."""
    for key in ("mtime", "LastModified", "last_modified", "updated", "modified", "created"):
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if isinstance(value, datetime):
            value = value.timestamp()
        # to whole microseconds first: a float's error never moves the millisecond
        return round(float(value) * 1_000_000) // 1000
    return 0


def _not_found(exc: Exception) -> bool:
    """Whether dbutils (on the driver: Java's exception; through the SDK: NotFound) says no."""
    return type(exc).__name__ in ("NotFound", "ResourceDoesNotExist") or \
        "FileNotFoundException" in str(exc)


def _checksum(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.startswith(".") and name.endswith(".crc")
