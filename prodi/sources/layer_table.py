"""The Delta table of the same dataset (or another one) in another layer, scoped to the run date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from loguru import logger

from prodi.model.columns import LANDED_DATE
from prodi.model.errors import ConfigError
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sources.base import Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class LayerTableOptions:
    layer: str | None = None  # default: the layer's upstream
    dataset: str | None = None  # default: the item's own name


class LayerTable(Source):
    """Rows of a dataset one layer down; with a run date, only that date's `_landed_date` rows.
    An item whose table doesn't exist yet is skipped with a warning, not failed."""

    Options = LayerTableOptions

    def _where(self, item: Item) -> tuple[str, str]:
        return (self.options.layer or item.layer.upstream or "", self.options.dataset or item.name)

    def validate(self, item: Item) -> list[ConfigError]:
        layer, dataset = self._where(item)
        if layer not in item.catalog:
            return [ConfigError(f"{self.path}.layer", f"a declared layer ({', '.join(item.catalog.names())})",
                                repr(layer))]
        ds = item.app.pipeline.datasets.get(dataset)
        if ds is None:
            return [ConfigError(f"{self.path}.dataset", "a dataset of pipeline.datasets",
                                repr(dataset))]
        if ds.section(layer) is None:
            return [ConfigError(f"pipeline.datasets.{dataset}.{layer}",
                                f"a {layer} section ({item.layer.name} reads the {layer} table)",
                                "nothing")]
        return []

    def columns(self, item: Item) -> list[str] | None:
        return item.lineage(*self._where(item))

    def plan(self, item: Item) -> dict[str, Any]:
        scope = f"{LANDED_DATE} = '{item.run_date}'" if item.run_date else "all dates"
        return {"reads": f"{item.location(*self._where(item))} ({scope})"}

    def read(self, run: StageRun) -> DataFrame | None:
        from pyspark.sql import functions as F

        from prodi.io import delta_tables

        layer, dataset = self._where(run.item)
        location = run.location(layer, dataset)
        if not delta_tables.exists(run.spark, location):
            run.stop("skipped", f"no {layer} table yet at {location} (run layer={layer} first)")
            logger.warning("{}/{}: {}", run.item.layer.name, run.item.name, run.note)
            return None
        df = delta_tables.read(run.spark, location)
        date = run.item.run_date
        if date is None:
            return df
        run.scope = run.quarantine_scope = f"{LANDED_DATE} = '{date}'"
        return df.filter(F.col(LANDED_DATE) == F.lit(date))
