"""What a layer runner needs: the session, the typed config, the run's identity and locations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import SparkSession

from prodi.config.paths import absolute_storage, table_location
from prodi.config.schema.app import AppConfig


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
