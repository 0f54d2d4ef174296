"""Another Delta table (by path or catalog name), whole or through its Change Data Feed.

`read: snapshot` lands the whole table at its current version, once per new version.
`read: changes` lands what changed since the last version processed (inserts, updates as their
post-image, deletes) with `_change_type`, `_commit_version` and `_commit_timestamp`; the first
run lands the snapshot as inserts (or the feed from `starting_version`). The version processed
is kept in the note of raw's own commit (`StageRun.source_state`), so it advances only with the
rows it covers: a failed run reads the same versions again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from loguru import logger

from prodi.model.errors import ConfigError, SourceError
from prodi.model.layout import absolute_storage
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sources.base import Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

T = TypeVar("T")
STATE_VERSION, STATE_TABLE = "delta_version", "table"
CHANGE_TYPE, COMMIT_VERSION, COMMIT_TIMESTAMP = "_change_type", "_commit_version", "_commit_timestamp"
KEPT_CHANGES = ("insert", "update_postimage", "delete")  # pre-images are the rows replaced
_NAME = re.compile(r"^(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)(\.(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)){0,2}$")
# What Delta says when the feed can't be read for the range asked: not enabled then, or its
# files or log entries cleaned up (VACUUM, log retention).
_GONE = ("DELTA_MISSING_CHANGE_DATA", "change data was not recorded", "DELTA_CHANGE_DATA_FILE_NOT_FOUND",
         "DELTA_FILE_NOT_FOUND", "FileNotFoundException", "DELTA_CANNOT_TIME_TRAVEL",
         "VersionNotFoundException", "Cannot time travel", "DELTA_VERSIONS_NOT_CONTIGUOUS",
         "DELTA_LOG_FILE_NOT_FOUND")


class ChangeFeedError(SourceError):
    """The Change Data Feed of the source table can't give the versions needed."""


@dataclass(frozen=True)
class DeltaTableOptions:
    path: str | None = None  # a Delta table's location
    table: str | None = None  # or its catalog name: [catalog.][schema.]name
    read: Literal["snapshot", "changes"] = "snapshot"
    starting_version: int | None = None  # changes: the first run reads the feed from here


class DeltaTableSource(Source):
    """Lands a Delta table's rows as text: its snapshot at each new version, or its changes."""

    Options = DeltaTableOptions
    incremental = True  # each new version, once

    def validate(self, item: Item) -> list[ConfigError]:
        o = self.options
        errors = []
        if (o.path is None) == (o.table is None):
            errors.append(ConfigError(self.path, "exactly one of `path` (a Delta table's location) "
                                      "or `table` (its catalog name)",
                                      "both" if o.path is not None else "neither"))
        if o.path is not None and not o.path.strip():
            errors.append(ConfigError(f"{self.path}.path", "a Delta table location", "''"))
        if o.table is not None and not _NAME.match(o.table):
            errors.append(ConfigError(f"{self.path}.table", "a table name such as "
                                      "catalog.schema.name", repr(o.table)))
        if o.starting_version is not None:
            if o.read != "changes":
                errors.append(ConfigError(f"{self.path}.starting_version", "no starting_version "
                                          "with read: snapshot (it reads the Change Data Feed "
                                          "from there: read: changes)", str(o.starting_version)))
            elif o.starting_version < 0:
                errors.append(ConfigError(f"{self.path}.starting_version", "a table version (0 or "
                                          "more)", str(o.starting_version)))
        return errors

    def describe(self) -> str:
        return self._name()

    def plan(self, item: Item) -> dict[str, Any]:
        o = self.options
        if o.read == "snapshot":
            what = "the whole table at its current version, when it is new"
        else:
            first = (f"the feed from version {o.starting_version}" if o.starting_version is not None
                     else "the snapshot")
            what = (f"its Change Data Feed since the last version read (the first run: {first}), "
                    f"{', '.join(KEPT_CHANGES)} rows")
        if item.app.run.full_refresh:
            what += "; full refresh: the whole table again"
        return {"reads": f"Delta table {self._name()}: {what}"}

    def _name(self) -> str:
        o = self.options
        return absolute_storage(o.path) if o.path is not None else str(o.table)

    def _identifier(self) -> str:
        o = self.options
        return f"delta.`{absolute_storage(o.path)}`" if o.path is not None else str(o.table)

    def read(self, run: StageRun) -> DataFrame | None:
        from prodi.io.delta_versions import last_source_state
        from prodi.sources.extracted import landed_date

        name = run.secrets.vault.redact(self._name())  # what the commit note and rows may show
        landed = landed_date(run)
        version, timestamp = self._current(run)
        state = None if run.full_refresh else last_source_state(run.spark, run.target)
        last = self._last_version(run, state, name)
        if last is not None and last >= version:
            run.stop("ok", "nothing new")
            logger.info("{}/{}: {} is at version {}, already read", run.item.layer.name,
                        run.item.name, name, version)
            return None
        if self.options.read == "snapshot":
            since, rows = None, _landed(self._snapshot(run, version), f"{name}@v{version}", landed)
        elif last is None and (self.options.starting_version is None or run.full_refresh):
            since, rows = None, _landed(self._snapshot_as_changes(run, version, timestamp),
                                        f"{name}@v{version}", landed)
        else:
            since = last + 1 if last is not None else self.options.starting_version
            assert since is not None
            rows = self._changes(run, name, since, version, f"{name}@v{since}-{version}", landed)
        span = f"{since}-{version}" if since is not None else str(version)
        run.source_state = {STATE_VERSION: version, STATE_TABLE: name}
        run.note = f"{name} version {span}"
        logger.info("{}/{}: {} version {} ({})", run.item.layer.name, run.item.name, name, span,
                    "changes" if since is not None else "snapshot")
        return rows

    def _current(self, run: StageRun) -> tuple[int, Any]:
        """The table's current version and its commit time, pinned for this run."""
        row = run.spark.sql(f"DESCRIBE HISTORY {self._identifier()} LIMIT 1").collect()[0]
        return int(row["version"]), row["timestamp"]

    def _last_version(self, run: StageRun, state: dict | None, name: str) -> int | None:
        if not state or STATE_VERSION not in state:
            return None
        if state.get(STATE_TABLE) != name:
            run.warn(f"the source table changed ({state.get(STATE_TABLE)!r} -> {name!r}): "
                     "reading it whole again")
            return None
        return int(state[STATE_VERSION])

    def _reader(self, run: StageRun, **options: Any) -> DataFrame:
        reader = run.spark.read.format("delta").options(**{k: str(v) for k, v in options.items()})
        o = self.options
        return reader.load(absolute_storage(o.path)) if o.path is not None else reader.table(o.table)

    def _snapshot(self, run: StageRun, version: int) -> DataFrame:
        return self._reader(run, versionAsOf=version)

    def _snapshot_as_changes(self, run: StageRun, version: int, timestamp: Any) -> DataFrame:
        """The first read of `changes`: every row as an insert at the current version."""
        from pyspark.sql import functions as F

        return self._snapshot(run, version).withColumns({
            CHANGE_TYPE: F.lit("insert"), COMMIT_VERSION: F.lit(version).cast("bigint"),
            COMMIT_TIMESTAMP: F.lit(timestamp).cast("timestamp")})

    def _changes(self, run: StageRun, name: str, since: int, upto: int, origin: str,
                 landed: str) -> DataFrame:
        """The feed's rows of versions since..upto, materialized here (cached for the run), so
        a feed Delta can't give fails with its cause and what to do."""
        from pyspark.sql import functions as F

        def read() -> DataFrame:
            feed = self._reader(run, readChangeFeed="true", startingVersion=since,
                                endingVersion=upto)
            rows = run.cached(_landed(feed.filter(F.col(CHANGE_TYPE).isin(*KEPT_CHANGES)),
                                      origin, landed))
            rows.count()
            return rows

        return self._explain_failure(run, name, since, upto, read)

    def _explain_failure(self, run: StageRun, name: str, since: int, upto: int,
                         action: Callable[[], T]) -> T:
        """`action()`, with Delta's error for a feed it can't give turned into what to do."""
        try:
            return action()
        except Exception as exc:
            text = str(exc)
            if not any(marker in text for marker in _GONE):
                raise
            first = " ".join(text.split("\n\tat ")[0].split())[:400]
            raise ChangeFeedError(
                f"dataset {run.item.name!r}: the Change Data Feed of {name} can't give versions "
                f"{since} to {upto} (read: changes at {self.path}.read): it is not enabled for "
                "them (ALTER TABLE ... SET TBLPROPERTIES (delta.enableChangeDataFeed = true)) or "
                "they were cleaned up (VACUUM, log retention). Delta says: "
                f"{first}. To start again from the table as it is now, run raw for this dataset "
                "with run.full_refresh=true (keys deleted in the missing versions are not seen "
                "as deletes)") from exc


def _landed(df: DataFrame, origin: str, landed: str) -> DataFrame:
    from prodi.sources.extracted import as_text, with_origin

    return with_origin(as_text(df), origin, landed)
