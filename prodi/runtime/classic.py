"""What only classic Spark has: the driver's JVM, reached through Py4J.

Spark Connect (Databricks serverless and shared clusters, `pyspark --remote`) has no JVM in the
Python process, so the run path never assumes one: it asks `classic_jvm(spark)` and gets None on
Connect, or calls `require_classic` for a feature that has no Connect equivalent and gets a
`ClassicOnlyError` saying so. This is the one module of prodi that touches Py4J handles
(`tests/runtime/test_no_jvm_handles.py` keeps it so).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loguru import logger

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class ClassicOnlyError(RuntimeError):
    """A feature that needs the driver's JVM, asked for on Spark Connect."""

    def __init__(self, feature: str) -> None:
        super().__init__(f"{feature} needs classic Spark (a driver JVM in this process); this "
                         "session is Spark Connect, which has none")
        self.feature = feature


def is_connect(spark: Any) -> bool:
    """Whether `spark` is a Spark Connect session (or PySpark runs in Connect mode)."""
    from pyspark.sql.utils import is_remote

    return is_remote() or type(spark).__module__.startswith("pyspark.sql.connect")


@dataclass(frozen=True)
class HadoopEntry:
    name: str
    size: int
    modified: int  # ms since the epoch
    is_dir: bool


@dataclass(frozen=True)
class ClassicJvm:
    """The driver JVM of a classic session."""

    spark: Any

    @property
    def _context(self) -> Any:
        return self.spark.sparkContext

    def set_hadoop_conf(self, conf: Mapping[str, str]) -> None:
        """Set keys of the session's Hadoop configuration (filesystem credentials, endpoints)."""
        hadoop = self._context._jsc.hadoopConfiguration()
        for key, value in conf.items():
            hadoop.set(key, value)

    def default_fs(self) -> str:
        """The filesystem Spark resolves a path without a scheme against (`fs.defaultFS`)."""
        return str(self._context._jsc.hadoopConfiguration().get("fs.defaultFS") or "file:///")

    def set_log_level(self, level: str) -> None:
        self._context.setLogLevel(level)

    def local_property(self, key: str) -> str | None:
        return self._context.getLocalProperty(key)

    # Hadoop's filesystems: for schemes Python has no fsspec filesystem for (prodi.io.storage).
    def _fs(self, path: str) -> tuple[Any, Any]:
        jvm = self._context._jvm
        hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
        return hadoop_path.getFileSystem(self._context._jsc.hadoopConfiguration()), hadoop_path

    def ls(self, folder: str) -> list[HadoopEntry] | None:
        """The entries of `folder` (None: it doesn't exist), one listing call."""
        fs, path = self._fs(folder)
        if not fs.exists(path):
            return None
        return [HadoopEntry(s.getPath().getName(), int(s.getLen()), int(s.getModificationTime()),
                            bool(s.isDirectory())) for s in fs.listStatus(path)]

    def exists(self, path: str) -> bool:
        fs, hadoop_path = self._fs(path)
        return bool(fs.exists(hadoop_path))

    def first_line(self, path: str, encoding: str) -> str | None:
        """The file's first line (None: it is empty)."""
        jvm = self._context._jvm
        fs, hadoop_path = self._fs(path)
        reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(fs.open(hadoop_path),
                                                                          encoding))
        try:
            return reader.readLine()
        finally:
            reader.close()


def classic_jvm(spark: SparkSession | None) -> ClassicJvm | None:
    """The driver JVM behind `spark` (None: a Connect session, or one whose JVM is locked away,
    as on a Databricks shared cluster)."""
    if spark is None or is_connect(spark):
        return None
    try:
        context = spark.sparkContext
        jsc = context._jsc
    except Exception:  # noqa: BLE001 - a session that refuses its context has no JVM for us
        return None
    return ClassicJvm(spark) if jsc is not None else None


def require_classic(spark: SparkSession | None, feature: str) -> ClassicJvm:
    """The driver JVM, for a feature that has no Connect equivalent."""
    jvm = classic_jvm(spark)
    if jvm is None:
        raise ClassicOnlyError(feature)
    return jvm


# The local JVM PySpark launched for this process: a signal stops it (no session needed).
def active_context() -> Any:
    """The running SparkContext of this process, without importing PySpark when nothing started
    it (None: none, a Connect session, or one still starting)."""
    if "pyspark" not in sys.modules:
        return None
    from pyspark import SparkContext

    context = SparkContext._active_spark_context
    return context if getattr(context, "_jsc", None) is not None else None


def stop_local_jvm(timeout_s: float = 10.0) -> None:
    """Stop the SparkContext this process started and the JVM behind it (waiting up to
    `timeout_s`, then killing it)."""
    from pyspark import SparkContext

    context = SparkContext._active_spark_context
    if context is not None:
        try:
            context.stop()
        except Exception as exc:  # noqa: BLE001 - the JVM is stopped below either way
            logger.debug("SparkContext.stop failed: {}", exc)
    process = _jvm_process()
    if process is None:
        return
    if process.stdin is not None:
        process.stdin.close()  # the gateway exits when its stdin closes
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout_s)
    SparkContext._gateway = SparkContext._jvm = None


def kill_local_jvm() -> None:
    """Kill the JVM this process started, at once."""
    process = _jvm_process()
    if process is not None and process.poll() is None:
        process.kill()


def _jvm_process() -> subprocess.Popen | None:
    """The local JVM PySpark launched for this process (None on a cluster, or none started)."""
    if "pyspark" not in sys.modules:
        return None
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    return getattr(gateway, "proc", None) if gateway is not None else None
