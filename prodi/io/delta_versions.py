"""What a Delta table holds at which version, and what changed between two versions.

Incremental runs rest on two facts from the Delta log, never on a scan of the rows:
- every prodi commit's note (`prodi.model.commit_note`) records the input table versions it was computed from
  (`inputs`) and the run date it covers (`run_date`, null for all dates);
- a commit's `add`/`remove` actions carry their file's partition values, so the partitions a
  range of commits touched is known from the log's JSON alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql.utils import AnalysisException

from prodi.io.delta_sql import history
from prodi.model import commit_note

# How far back the state of a target is looked for; older state means a full run of its scope.
HISTORY_DEPTH = 200


@dataclass(frozen=True)
class Processed:
    """One prodi commit of a target: the inputs' versions it read, and the run date it covers."""

    inputs: dict[str, int]
    run_date: str | None  # None: every date


def current_version(spark: SparkSession, location: str) -> int:
    return int(history(spark, location, 1)[0]["version"])


def processed(spark: SparkSession, location: str) -> Iterator[Processed]:
    """The target's prodi commits that recorded their inputs, newest first."""
    rows = history(spark, location, HISTORY_DEPTH)
    for row in rows:
        note = commit_note.decode(row["userMetadata"])
        if note is not None and isinstance(note.get("inputs"), dict):
            yield Processed({k: int(v) for k, v in note["inputs"].items()}, note.get("run_date"))


def last_processed(spark: SparkSession, target: str, source: str, run_date: str | None
                   ) -> int | None:
    """The version of `source` the target was last brought up to date with for `run_date`
    (None: for every date); None when it never was (within HISTORY_DEPTH commits)."""
    for p in processed(spark, target):
        if source in p.inputs and (p.run_date is None or p.run_date == run_date):
            return p.inputs[source]
    return None


def touched_partitions(spark: SparkSession, location: str, after: int, upto: int, column: str
                       ) -> set[str] | None:
    """The values of partition `column` whose data changed in commits after..upto; None when
    the log can't tell (the table isn't partitioned by it, or those commits' JSON is gone)."""
    if upto <= after:
        return set()
    log = location.rstrip("/") + "/_delta_log/"
    paths = [f"{log}{v:020d}.json" for v in range(after + 1, upto + 1)]
    try:
        lines = [r[0] for r in spark.read.text(paths).collect()]
    except AnalysisException:
        return None  # cleaned up after a checkpoint: unknown
    values: set[str] = set()
    for line in lines:
        action = json.loads(line)
        change = action.get("add") or action.get("remove")
        if change is None or change.get("dataChange") is False:
            continue
        partition = (change.get("partitionValues") or {})
        if column not in partition:
            return None
        values.add(partition[column])
    return values


def last_source_state(spark: SparkSession, location: str) -> dict | None:
    """The newest `source_state` a prodi commit of the table recorded (how far its source outside
    the lakehouse was read), or None: no table, or no such commit within HISTORY_DEPTH."""
    from prodi.io import delta_tables

    if not delta_tables.exists(spark, location):
        return None
    rows = history(spark, location, HISTORY_DEPTH)
    for row in rows:
        note = commit_note.decode(row["userMetadata"])
        if note is not None and isinstance(note.get("source_state"), dict):
            return note["source_state"]
    return None
