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

    location = run.resolve(quarantine_location(run.item), "cloud.storage.root")
    exists = delta_tables.exists(run.spark, location)
    if rows is None:
        if not exists or run.quarantine_append:
            return 0
        rows = delta_tables.read(run.spark, location).limit(0)
    if run.quarantine_append:
        return delta_tables.append(rows, location, run.commit_note(), (LANDED_DATE,)).rows_written
    metrics = delta_tables.overwrite(rows, location, run.commit_note(), (LANDED_DATE,),
                                     run.quarantine_scope if exists else None)
    return metrics.rows_written
