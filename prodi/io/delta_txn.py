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
reconstructs it: the newest checkpoint, then the commits after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.errors import AnalysisException
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

APP_ID = "prodi-ingest"
_TXN = T.StructType([T.StructField("txn", T.StructType([
    T.StructField("appId", T.StringType()), T.StructField("version", T.LongType())]))])


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


def app_version(spark: SparkSession, location: str, app_id: str = APP_ID) -> int | None:
    """The last `txnVersion` of `app_id` committed to the table (None: none, or no table)."""
    from delta.tables import DeltaTable

    if not DeltaTable.isDeltaTable(spark, location):
        return None
    log = f"{location.rstrip('/')}/_delta_log"
    latest = int(DeltaTable.forPath(spark, location).history(1).collect()[0]["version"])
    checkpoint = _last_checkpoint(spark, log)
    versions: list[int | None] = []
    if checkpoint is not None:
        # Single- and multi-part checkpoints (`<v>.checkpoint.parquet`, `<v>.checkpoint.<i>.<n>.
        # parquet`) and a v2 checkpoint's top-level file all carry the txn actions.
        rows = spark.read.parquet(f"{log}/{checkpoint:020d}.checkpoint*.parquet") \
            .where(F.col("txn.appId") == app_id).agg(F.max("txn.version")).collect()
        versions.append(rows[0][0])
    commits = [f"{log}/{v:020d}.json" for v in range((checkpoint or -1) + 1, latest + 1)]
    if commits:
        lines = spark.read.text(commits).where(F.col("value").startswith('{"txn"'))
        rows = lines.select(F.from_json("value", _TXN).alias("a")) \
            .where(F.col("a.txn.appId") == app_id).agg(F.max("a.txn.version")).collect()
        versions.append(rows[0][0])
    found = [v for v in versions if v is not None]
    return max(found) if found else None


def _last_checkpoint(spark: SparkSession, log: str) -> int | None:
    try:
        rows = spark.read.json(f"{log}/_last_checkpoint").select("version").collect()
    except AnalysisException:  # no checkpoint yet: every commit file is still there
        return None
    return int(rows[0]["version"]) if rows else None
