"""What a layer runner needs: the session, the typed config, the run's identity and locations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loguru import logger
from pyspark.sql import SparkSession

from prodi.config.paths import absolute_storage, table_location
from prodi.config.schema.app import AppConfig
from prodi.io import delta_tables
from prodi.observability.summary import DatasetResult


@dataclass(frozen=True)
class LayerContext:
    spark: SparkSession
    app: AppConfig
    run_id: str
    resolve: Callable[[str, str], str]  # (text, key path) -> text with secrets resolved

    @property
    def run_date(self) -> str | None:
        return self.app.run.date

    def location(self, layer: str, dataset: str) -> str:
        storage = self.app.cloud.storage
        return table_location(storage.root, layer, self.app.env.table_prefix, dataset)

    def landing(self, path: str) -> str:
        return absolute_storage(path)

    def commit_note(self) -> str:
        """A tag for one Delta commit of this run (kept in the table's history)."""
        return delta_tables.new_note(self.run_id)

    def skipped_without_upstream(self, result: DatasetResult, upstream: str) -> bool:
        """Mark `result` skipped (and say so) when the upstream layer's table doesn't exist yet."""
        source = self.location(upstream, result.dataset)
        if delta_tables.exists(self.spark, source):
            return False
        result.status = "skipped"
        result.note = f"no {upstream} table yet at {source} (run layer={upstream} first)"
        logger.warning("{}/{}: {}", result.layer, result.dataset, result.note)
        return True
