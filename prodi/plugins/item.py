"""What a stage is planned for: one dataset's section of a layer, or one mart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prodi.model.layout import table_location
from prodi.model.schema.app import AppConfig
from prodi.model.schema.layer import LayerCatalog, LayerSpec
from prodi.model.schema.pipeline import MartSpec, SectionSpec

# (layer, dataset) -> the columns that dataset has after that layer (None: not known before run)
Lineage = Callable[[str, str], "list[str] | None"]


@dataclass(frozen=True)
class Item:
    name: str
    layer: LayerSpec
    section: SectionSpec | MartSpec
    path: str  # e.g. pipeline.datasets.orders.silver, or pipeline.marts.daily_revenue
    app: AppConfig
    catalog: LayerCatalog
    lineage: Lineage

    @property
    def run_date(self) -> str | None:
        return self.app.run.date if self.layer.dated else None

    @property
    def target(self) -> str:
        return self.location(self.layer.name, self.name)

    def location(self, layer: str, name: str) -> str:
        """The Delta table of `name` in `layer`, a path or a catalog name (secrets in the storage
        root not yet resolved)."""
        return table_location(self.app.cloud, layer, self.app.env.table_prefix, name)

    def declared_columns(self) -> list[str] | None:
        """The columns the dataset declares, in this layer's section or the first one above it
        that does (raw reads what bronze declares); None when none does."""
        ds = self.app.pipeline.datasets.get(self.name)
        if ds is None:
            return None
        names = self.catalog.names()
        for layer in names[names.index(self.layer.name):]:
            section = ds.section(layer)
            if section is not None and section.columns:
                return [c.name for c in section.columns]
        return None

    def upstream_items(self) -> list[str]:
        """The tables of the upstream layer: its datasets, or its marts."""
        up = self.layer.upstream
        if up is None:
            return []
        return items_of(self.app, self.catalog, self.catalog.get(up))


def items_of(app: AppConfig, catalog: LayerCatalog, layer: LayerSpec) -> list[str]:
    """Every item a layer runs over, in config order: datasets with its section, or its marts."""
    pipeline = app.pipeline
    if layer.items == "marts":
        home = catalog.mart_layer()
        return [n for n, m in pipeline.marts.items() if (m.layer or home) == layer.name]
    return [n for n, d in pipeline.datasets.items() if d.section(layer.name) is not None]
