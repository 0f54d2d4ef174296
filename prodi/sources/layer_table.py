"""The Delta table of the same dataset (or another one) in another layer, scoped to the run date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodi.model.columns import LANDED_DATE
from prodi.model.errors import ConfigError
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sources.base import Source
from prodi.sources.missing_input import (
    MissingInput,
    handle_missing,
    plan_note,
    table_missing_on_disk,
    upstream_table,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class LayerTableOptions:
    layer: str | None = None  # default: the layer's upstream
    dataset: str | None = None  # default: the item's own name


class LayerTable(Source):
    """Rows of a dataset one layer down; with a run date, only that date's `_landed_date` rows;
    either way only the partitions that changed since the target last read them. A table of a
    layer that never ran fails the run, naming the layer run that builds it (with
    `run.allow_missing_upstream=true`: the item is skipped with a warning); one the upstream
    layer has not written yet (nothing of the dataset delivered so far) is nothing new; one
    that is half-created or corrupt fails (`prodi.io.table_health`). See
    `prodi.sources.missing_input`."""

    Options = LayerTableOptions
    rereadable = True  # read at a pinned version

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
        since = "everything (full refresh)" if item.app.run.full_refresh else \
            "only partitions changed since the target's last run"
        location = item.location(*self._where(item))
        missing = [self._missing(item, location)] if table_missing_on_disk(location) else []
        return {"reads": f"{location} ({scope}; {since})", **plan_note(item, missing)}

    def _missing(self, item: Item, location: str) -> MissingInput:
        layer, _ = self._where(item)
        return upstream_table(layer, location, item.run_date if
                              item.catalog.get(layer).dated else None)

    def read(self, run: StageRun) -> DataFrame | None:
        """The upstream rows the target lacks: of the run date, or of the dates whose partitions
        changed upstream since the target's last run (all of them the first time, or with
        `run.full_refresh`). Nothing new upstream stops the item with nothing written."""

        from prodi.io import delta_tables, delta_versions

        layer, dataset = self._where(run.item)
        location = run.location(layer, dataset)
        if not delta_tables.readable(run.spark, location):
            handle_missing(run, [self._missing(run.item, location)])
            return None
        version = delta_versions.current_version(run.spark, location)
        run.inputs[location] = version
        df = delta_tables.read(run.spark, location, version)
        date = run.item.run_date
        dates = None if date is None else {date}
        if not run.full_refresh and delta_tables.exists(run.spark, run.target):
            base = delta_versions.last_processed(run.spark, run.target, location, date)
            if base is not None:
                changed = delta_versions.touched_partitions(run.spark, location, base, version,
                                                            LANDED_DATE)
                if changed is not None:
                    dates = changed if date is None else changed & {date}
                if not dates or base == version:
                    run.stop("ok", f"up to date with {layer}/{dataset} v{version}")
                    return None
                run.note = f"{layer} v{base}->v{version}"
        if dates is None:
            return df
        run.scope = run.quarantine_scope = _in_dates(sorted(dates, key=str))
        return df.filter(run.scope)


def _in_dates(dates: list[str | None]) -> str:
    """A predicate on `_landed_date` for these dates (None: rows without a landed date)."""
    from prodi.model.sql import quoted_literal

    named = [d for d in dates if d is not None]
    parts = [f"{LANDED_DATE} IN ({', '.join(quoted_literal(d) for d in named)})"] if named else []
    if None in dates:
        parts.append(f"{LANDED_DATE} IS NULL")
    return " OR ".join(parts)
