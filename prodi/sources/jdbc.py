"""A table or query of a database, through JDBC: a full snapshot each run, or only the rows past
a watermark (see `prodi.sources.watermark`). Rows land as delivered text (`extracted`), with the
URL (never its credentials) and the table as `_source_file`."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from loguru import logger

from prodi.model.errors import ConfigError, SourceError
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.runtime.jars import JDBC_DRIVERS, JdbcDriver
from prodi.sources import watermark
from prodi.sources.base import Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, DataFrameReader

# jdbc:mysql://user:pass@host, where a secret reference (with its slashes) may be the password
_USERINFO = re.compile(r"(?<=//)(?:<<[^>]*>>|\{\{[^}]*\}\}|\$\{[^}]*\}|[^/?;@])*@")
_ORACLE_USER = re.compile(r"(?<=:thin:)[^@]*@")  # jdbc:oracle:thin:user/pass@host
_QUERY_ALIAS = "prodi_query"


class JdbcReadError(SourceError):
    """The database could not be read: unreachable, refused the login, no such table, no driver."""


@dataclass(frozen=True)
class JdbcOptions:
    url: str  # jdbc:<scheme>:...
    table: str | None = None
    query: str | None = None
    user: str | None = None  # user and password may be <<secrets/...>> references
    password: str | None = None
    driver: str | None = None  # the driver class; default: the one of the URL's scheme
    properties: dict[str, str] = field(default_factory=dict)  # more JDBC connection properties
    # A parallel read: ranges of partition_column; the bounds default to its MIN and MAX.
    partition_column: str | None = None
    lower_bound: str | None = None
    upper_bound: str | None = None
    num_partitions: int | None = None
    fetchsize: int | None = None
    # Incremental: only rows with watermark_column >= the last mark - lookback.
    watermark_column: str | None = None
    lookback: str | None = None


def scheme(url: str) -> str:
    """`postgresql` for `jdbc:postgresql://...`."""
    return url[len("jdbc:"):].split(":", 1)[0].lower() if url.startswith("jdbc:") else ""


def public_url(url: str) -> str:
    """`url` without credentials (user info, and user/password parameters), for logs and errors."""
    url = _ORACLE_USER.sub("@", _USERINFO.sub("", url))
    base, question, query = url.partition("?")
    if question:
        kept = [p for p in query.split("&") if not _credential(p)]
        url = base + ("?" + "&".join(kept) if kept else "")
    head, *params = url.split(";")
    return ";".join([head, *(p for p in params if not _credential(p))])


def _credential(param: str) -> bool:
    key = param.split("=", 1)[0].strip().lower()
    return key in ("user", "username", "uid", "pwd", "passwd") or "password" in key


class Jdbc(Source):
    """A table or query of a database, through JDBC."""

    Options = JdbcOptions
    incremental = True  # by watermark; without one, each run's snapshot is appended once

    @property
    def _driver(self) -> JdbcDriver | None:
        return JDBC_DRIVERS.get(scheme(self.options.url))

    @property
    def driver_class(self) -> str | None:
        known = self._driver
        return self.options.driver or (known.driver_class if known else None)

    @property
    def origin(self) -> str:
        """What `_source_file` says: the credential-free URL and the table (or `query`)."""
        return f"{public_url(self.options.url)}#{self.options.table or 'query'}"

    def validate(self, item: Item) -> list[ConfigError]:
        o, p = self.options, self.path
        errors = []
        if not o.url.startswith("jdbc:"):
            errors.append(ConfigError(f"{p}.url", "a JDBC URL (jdbc:<scheme>:...)",
                                      repr(public_url(o.url))))
        elif self.driver_class is None:
            errors.append(ConfigError(f"{p}.driver", f"a driver class (jdbc:{scheme(o.url)} has no "
                                      f"default; known schemes: {', '.join(sorted(JDBC_DRIVERS))})",
                                      "nothing"))
        if (o.table is None) == (o.query is None):
            errors.append(ConfigError(p, "exactly one of `table` or `query`",
                                      "both" if o.table is not None else "neither"))
        if o.partition_column is not None and o.num_partitions is None:
            errors.append(ConfigError(f"{p}.num_partitions", "a number of partitions (with "
                                      "partition_column)", "nothing"))
        if o.partition_column is None:
            errors += [ConfigError(f"{p}.{k}", "partition_column with it (a partitioned read)",
                                   "no partition_column")
                       for k in ("num_partitions", "lower_bound", "upper_bound")
                       if getattr(o, k) is not None]
        elif (o.lower_bound is None) != (o.upper_bound is None):
            missing = "upper_bound" if o.upper_bound is None else "lower_bound"
            errors.append(ConfigError(f"{p}.{missing}", "both bounds or neither (then MIN and MAX "
                                      "of the partition column)", "nothing"))
        errors += [ConfigError(f"{p}.{k}", "a positive number", str(getattr(o, k)))
                   for k in ("num_partitions", "fetchsize")
                   if getattr(o, k) is not None and getattr(o, k) < 1]
        if o.lookback is not None and o.watermark_column is None:
            errors.append(ConfigError(f"{p}.lookback", "watermark_column with it (lookback widens "
                                      "the incremental window)", "no watermark_column"))
        return errors + watermark.lookback_errors(o.lookback, f"{p}.lookback")

    def packages(self) -> tuple[str, ...]:
        known = self._driver
        if known is None or self.options.driver not in (None, known.driver_class):
            return ()
        return (known.coordinate,)

    def describe(self) -> str:
        o = self.options
        what = f"table {o.table}" if o.table is not None else "a query"
        return f"{what} of {public_url(o.url)} over JDBC ({self.driver_class})"

    def plan(self, item: Item) -> dict[str, Any]:
        o = self.options
        entry: dict[str, Any] = {"reads": self.describe()}
        if o.partition_column is not None:
            bounds = (f"{o.lower_bound}..{o.upper_bound}" if o.lower_bound is not None
                      else "MIN..MAX, computed")
            entry["partitioning"] = (f"{o.num_partitions} ranges of {o.partition_column} "
                                     f"({bounds})")
        if o.watermark_column is None:
            entry["incremental"] = "full: every row again each run (a new snapshot lands)"
        elif item.app.run.full_refresh:
            entry["incremental"] = f"full (run.full_refresh), then by {o.watermark_column}"
        else:
            back = f" - {o.lookback}" if o.lookback else ""
            entry["incremental"] = (f"by {o.watermark_column} (>= last mark{back}; rows landed "
                                    "unchanged are skipped)")
        return entry

    def read(self, run: StageRun) -> DataFrame | None:
        from pyspark.sql import functions as F

        from prodi.sources import extracted

        o = self.options
        column = o.watermark_column
        with self._reported(run):
            df = self._reader(run, self._bounds(run)).load()
        if column is not None and column not in df.columns:
            raise JdbcReadError(f"{self._where(run)}: watermark_column {column!r} is not a column "
                                f"of {o.table or 'the query'} ({', '.join(df.columns)})")
        mark = watermark.last_mark(run, column) if column else None
        if mark is not None:
            df = df.filter(watermark.in_window(F.col(f"`{column}`"), mark, o.lookback))
        rows = extracted.as_text(df)
        if column is not None:
            rows = run.cached(watermark.not_landed_yet(run, rows, mark, o.lookback))
            with self._reported(run):
                empty = rows.isEmpty()
            if empty:
                run.stop("ok", "nothing new")
                return None
            watermark.advance(run, rows, column, df.schema[column].dataType.simpleString(), mark)
        return extracted.with_origin(rows, self.origin, extracted.landed_date(run))

    def _reader(self, run: StageRun, bounds: tuple[str, str] | None) -> DataFrameReader:
        o = self.options
        reader = run.spark.read.format("jdbc").options(**self._connection())
        if o.fetchsize is not None:
            reader = reader.option("fetchsize", o.fetchsize)
        if bounds is None:
            return (reader.option("dbtable", o.table) if o.table is not None
                    else reader.option("query", o.query))
        assert o.partition_column is not None and o.num_partitions is not None
        return reader.options(dbtable=self._relation(), partitionColumn=o.partition_column,
                              lowerBound=bounds[0], upperBound=bounds[1],
                              numPartitions=o.num_partitions)

    def _connection(self) -> dict[str, str]:
        o = self.options
        options = {**o.properties, "url": o.url}
        options.update({k: v for k, v in (("user", o.user), ("password", o.password),
                                          ("driver", self.driver_class)) if v is not None})
        return options

    def _relation(self) -> str:
        """A table, or the query as a derived table (JDBC's partitioned reads need a table)."""
        o = self.options
        return o.table if o.table is not None else f"({o.query}) {_QUERY_ALIAS}"

    def _bounds(self, run: StageRun) -> tuple[str, str] | None:
        """The partition bounds: given, or the column's MIN and MAX (None: no partitioning, or
        no rows to partition)."""
        o = self.options
        if o.partition_column is None:
            return None
        if o.lower_bound is not None and o.upper_bound is not None:
            return o.lower_bound, o.upper_bound
        column = o.partition_column
        sql = f"SELECT MIN({column}) AS lo, MAX({column}) AS hi FROM {self._relation()}"
        reader = run.spark.read.format("jdbc").options(**self._connection()).option("query", sql)
        with self._reported(run):
            lo, hi = reader.load().first()
        if lo is None:
            return None
        if isinstance(lo, (int, float, Decimal)):  # Spark takes whole numbers as numeric bounds
            lo, hi = math.floor(lo), math.ceil(hi)
        logger.info("{}/{}: {} ranges of {} between {} and {}", run.item.layer.name, run.item.name,
                    o.num_partitions, column, lo, hi)
        return str(lo), str(hi)

    def _where(self, run: StageRun) -> str:
        return (f"dataset {run.item.name!r} ({run.item.layer.name}), source {self.path} "
                f"({public_url(self.options.url)})")

    @contextmanager
    def _reported(self, run: StageRun) -> Iterator[None]:
        """Driver and connection errors as one line naming the dataset, the source's key path
        and the URL without credentials."""
        from py4j.protocol import Py4JJavaError
        from pyspark.errors import PySparkException

        try:
            yield
        except (Py4JJavaError, PySparkException) as exc:
            cause = _root_cause(exc)
            if "ClassNotFoundException" in cause or "No suitable driver" in cause:
                cause = (f"the JDBC driver {self.driver_class} is not on the Spark session's "
                         f"classpath ({cause}). A new session gets "
                         f"{', '.join(self.packages()) or 'its jar (spark.jars)'} at start; a "
                         "session already running (a notebook, a cluster, a run before this one in "
                         "the same process) keeps the jars it started with: add the driver to its "
                         "libraries or spark.jars.packages")
            if self.options.password:
                cause = cause.replace(self.options.password, "***")
            raise JdbcReadError(f"{self._where(run)}: {cause}") from exc


def _root_cause(exc: Exception) -> str:
    """The first line of the innermost Java exception (the driver's own message)."""
    java = getattr(exc, "java_exception", None)
    if java is not None:
        while java.getCause() is not None:
            java = java.getCause()
        text = str(java.toString())
    else:
        text = str(exc)
    return next((line.strip() for line in text.splitlines() if line.strip()), text)
