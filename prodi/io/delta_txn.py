"""Exactly-once appends: a claim on a Delta table's ingestion sequence.

Delta keeps, per application id, the last `txnVersion` an idempotent write committed (a `txn`
action in its log), and an append with `txnAppId`/`txnVersion` commits only if that version is
still below the one it brings; if another commit of the same application lands meanwhile, the
append fails with a conflict, or makes no commit at all when it starts after it. A run that
captures the sequence before it decides what is new (`claim`) and appends with the next
number is therefore the only one of any concurrent runs to take in what they all found new:
the others lose the claim, look again, and find it taken in. It rests on Delta's commit
protocol alone (no lock files), so it holds on object stores without atomic rename too.

Delta's Python API doesn't expose the sequence, so it is read from the log as Delta
reconstructs it: the newest checkpoint, then the commits after it (local logs with plain file
reads; see `prodi.io.table_files`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from prodi.io.delta_sql import storage_location
from prodi.io.landing import normalize_path
from prodi.io.table_files import files_of

APP_ID = "prodi-ingest"
_COMMIT = re.compile(r"^(\d{20})\.json$")
# <v>.checkpoint.parquet, <v>.checkpoint.<part>.<parts>.parquet, <v>.checkpoint.<uuid>.parquet
_CHECKPOINT = re.compile(r"^(\d{20})\.checkpoint(?:\.(\d+)\.(\d+)|\.[0-9a-f-]{36})?\.parquet$")


@dataclass(frozen=True)
class Claim:
    """The next number of a table's ingestion sequence: what an exactly-once append brings."""

    app_id: str
    version: int

    @property
    def txn(self) -> tuple[str, int]:
        return self.app_id, self.version


def claim(spark: SparkSession, location: str, app_id: str = APP_ID) -> Claim:
    """The claim to append with, captured before the run looks at what is new."""
    current = app_version(spark, location, app_id)
    return Claim(app_id, 0 if current is None else current + 1)


def app_version(spark: SparkSession, table: str, app_id: str = APP_ID) -> int | None:
    """The last `txnVersion` of `app_id` committed to the table, at a location or by catalog
    name (None: none, or no table)."""
    location = storage_location(spark, table)
    if location is None:
        return None
    location = normalize_path(location)
    files = files_of(spark, location)
    names = files.log_names(location) or []
    checkpoint = _newest_checkpoint(names)
    found: list[int] = []
    if checkpoint is not None:
        log = f"{location.rstrip('/')}/_delta_log"
        rows = spark.read.parquet(*[f"{log}/{n}" for n in checkpoint[1]]) \
            .where(F.col("txn.appId") == app_id).agg(F.max("txn.version")).collect()
        found += [rows[0][0]] if rows[0][0] is not None else []
    since = -1 if checkpoint is None else checkpoint[0]
    commits = [n for n in names if (m := _COMMIT.match(n)) and int(m.group(1)) > since]
    for content in files.read(location, commits).values():
        for line in content.decode("utf-8", "replace").splitlines():
            if line.startswith('{"txn"'):
                txn = json.loads(line)["txn"]
                if txn.get("appId") == app_id:
                    found.append(int(txn["version"]))
    return max(found) if found else None


def _newest_checkpoint(names: list[str]) -> tuple[int, list[str]] | None:
    """The newest complete checkpoint's version and file names (a multi-part one needs every
    part; a v2 checkpoint's top-level parquet file carries the txn actions too)."""
    found: dict[int, list[re.Match[str]]] = {}
    for m in filter(None, map(_CHECKPOINT.match, names)):
        found.setdefault(int(m.group(1)), []).append(m)
    for version in sorted(found, reverse=True):
        single = [m.string for m in found[version] if m.group(2) is None]
        if single:
            return version, single[:1]
        parts = found[version]
        if len(parts) == int(parts[0].group(3)):
            return version, [m.string for m in parts]
    return None
