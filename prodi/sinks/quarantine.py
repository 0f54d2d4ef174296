"""The quarantine table beside each target: `<root>/quarantine/<layer>/<prefix><dataset>`.

A run replaces the quarantine rows in its own scope (one landed date, the files it ingested, or
everything), so re-running a date never piles up old evidence, and an empty scope clears it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prodi.model.columns import LANDED_DATE
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

QUARANTINE = "quarantine"


def quarantine_location(item: Item) -> str:
    """Where an item's quarantined records go (secret references not yet resolved)."""
    return item.location(f"{QUARANTINE}/{item.layer.name}", item.name)


def write_quarantine(run: StageRun, rows: DataFrame | None) -> int:
    """Replace the run's scope of the item's quarantine table with `rows`; how many were written."""
    from prodi.io import delta_tables
    from prodi.io.conflicts import retry_on_conflict

    location = run.resolve(quarantine_location(run.item), "cloud.storage.root")
    if run.quarantine_append:
        return 0 if rows is None else delta_tables.append(
            rows, location, run.commit_note(), (LANDED_DATE,)).rows_written
    # Replacing a scope with rows from a pinned input is idempotent: after losing a conflict
    # to a concurrent run, it is simply done again.
    return retry_on_conflict(lambda: _replace_scope(run, location, rows), location)


def _replace_scope(run: StageRun, location: str, rows: DataFrame | None) -> int:
    from prodi.io import delta_tables

    exists = delta_tables.exists(run.spark, location)
    if rows is None:
        if not exists:
            return 0
        rows = delta_tables.read(run.spark, location).limit(0)
    metrics = delta_tables.overwrite(rows, location, run.commit_note(), (LANDED_DATE,),
                                     run.quarantine_scope if exists else None)
    return metrics.rows_written
