"""The state one item's stages share while it runs: the frame, its scope, counts and clean-ups."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loguru import logger

from prodi.model import commit_note
from prodi.plugins.item import Item

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from prodi.secrets.resolver import SecretResolver


@dataclass
class RuleCount:
    """How many rows failed one rule, what was done with them, and a few of them."""

    name: str
    action: str
    failed: int
    samples: list[dict] = field(default_factory=list)


@dataclass
class StageRun:
    """Shared by the stages of one item in one run. Stages read and replace `df`."""

    item: Item
    spark: SparkSession
    run_id: str
    secrets: SecretResolver
    df: DataFrame | None = None
    scope: str | None = None  # predicate of the rows the run replaces (None: all of them)
    quarantine_scope: str | None = None  # predicate of the quarantine rows the run replaces
    quarantine_append: bool = False  # add to the quarantine instead (each input read once)
    # Every row read ends in exactly one of: written, quarantined, dropped, superseded.
    rows_read: int | None = None
    rows_written: int = 0
    rows_quarantined: int = 0
    rows_dropped: int = 0
    rows_superseded: int = 0  # older versions of a key, and rows a MERGE skipped as not newer
    rows_current: int | None = None  # rows in `df` as last counted (None: not counted)
    counting: bool = False  # the rows read are counted by the first count after the read
    superseding: bool = False  # a stage since the last count keeps only the newest per key
    quarantine: list[DataFrame] = field(default_factory=list)  # quarantine records, to write
    rules: list[RuleCount] = field(default_factory=list)
    inputs: dict[str, int] = field(default_factory=dict)  # input table -> version read
    version_written: int | None = None  # the target's version the write committed
    # How far a source outside the lakehouse has now been read (a watermark, a table version):
    # kept in the note of the target's commit, so it advances only with the rows it covers.
    source_state: dict[str, Any] | None = None
    # An exactly-once append's claim on the target's ingestion sequence (application id, next
    # version; see prodi.io.delta_txn), taken before the source looks at what is new.
    claim: tuple[str, int] | None = None
    # Whether the item may run again from its read after its write lost a Delta conflict: set by
    # the write stage when its sink's write is idempotent given a fresh read.
    redo_safe: bool = False
    warnings: list[str] = field(default_factory=list)  # shown in the run summary
    status: str = "ok"
    note: str = ""
    stopped: bool = False
    _cleanups: list[Callable[[], Any]] = field(default_factory=list)
    _on_success: list[Callable[[], Any]] = field(default_factory=list)

    def counted(self, rows: int) -> int | None:
        """Record a count of `df` taken by a stage's own pass; the rows the stages before it
        removed since the last count (None when there was none)."""
        if self.counting:
            self.rows_read, self.rows_current, self.counting = rows, rows, False
        removed = None if self.rows_current is None else self.rows_current - rows
        self.rows_current = rows
        return removed

    def account_for_sink_input(self, rows_in: int | None) -> None:
        """The rows the sink was given, from its commit's metrics: what the stages since the
        last count removed is superseded (newest per key) or dropped (steps)."""
        if rows_in is None:
            return
        removed = self.counted(rows_in)
        if removed:
            if self.superseding:
                self.rows_superseded += removed
            else:
                self.rules.append(RuleCount("transform steps", "drop", removed))
                self.rows_dropped += removed
        self.superseding = False

    def warn(self, message: str) -> None:
        """Log a warning about this item and show it in the run summary."""
        logger.warning("{}/{}: {}", self.item.layer.name, self.item.name, message)
        self.warnings.append(message)

    def stop(self, status: str, note: str) -> None:
        """End the item here: nothing (more) to do, with why."""
        self.status, self.note, self.stopped = status, note, True

    def resolve(self, node: Any, path: str) -> Any:
        """A string, or every string of a plain tree, with its secret references resolved:
        everything that reaches Spark or a client goes through here."""
        return self.secrets.resolve_tree(node, path)

    def location(self, layer: str, name: str) -> str:
        """A table location with secrets in the storage root resolved."""
        return self.resolve(self.item.location(layer, name), "cloud.storage.root")

    @property
    def target(self) -> str:
        return self.location(self.item.layer.name, self.item.name)

    def cached(self, df: DataFrame) -> DataFrame:
        """`df` cached until the item is done."""
        df = df.cache()
        self._cleanups.append(df.unpersist)
        return df

    def on_done(self, cleanup: Callable[[], Any]) -> None:
        """Run `cleanup` when the item is done, whatever happened."""
        self._cleanups.append(cleanup)

    def on_success(self, action: Callable[[], Any]) -> None:
        """Run `action` once every stage has succeeded (e.g. record what was ingested)."""
        self._on_success.append(action)

    def succeed(self) -> None:
        for action in self._on_success:
            action()

    def release(self) -> None:
        while self._cleanups:
            self._cleanups.pop()()

    def commit_note(self) -> str:
        """A tag for one Delta commit of this run (kept in the table's history): the run, and
        the input versions and run date it covers, so the next run knows what is new."""
        return commit_note.encode(self.run_id, uuid.uuid4().hex[:12],
                                  f"{self.item.layer.name}/{self.item.name}", self.inputs,
                                  self.item.run_date, self.source_state)

    @property
    def full_refresh(self) -> bool:
        return self.item.app.run.full_refresh
