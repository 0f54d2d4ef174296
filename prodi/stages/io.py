"""The stages at both ends: read from a source, write to a sink."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prodi.model.errors import ConfigError, DataError
from prodi.model.schema.pipeline import MartSpec
from prodi.model.schema.plugin import PluginSpec
from prodi.model.sql import unknown_column
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sinks import SINKS, Sink
from prodi.sinks.quarantine import quarantine_location, write_quarantine
from prodi.sources import SOURCES, Source
from prodi.stages.base import Stage
from prodi.stages.maintenance import maintenance_errors


@dataclass(frozen=True)
class ReadOptions:
    source: dict[str, Any] = field(default_factory=dict)  # the layer's default source


@dataclass(frozen=True)
class WriteOptions:
    sink: dict[str, Any] = field(default_factory=dict)  # the layer's default sink


def _bind(registry: Any, declared: PluginSpec | None, default: PluginSpec, errors: list[ConfigError]
          ) -> Any:
    return registry.bind(declared.with_defaults(default) if declared is not None else default,
                         errors)


class Read(Stage):
    """Reads the item's `source` (default: the layer's); caches what it yields unless the source
    can simply be read again."""

    Options = ReadOptions
    uses = ("source", "on_schema_change")
    source: Source | None

    def prepare(self, item: Item, errors: list[ConfigError]) -> None:
        super().prepare(item, errors)
        default = PluginSpec.from_config(self.options.source, f"{self.path}.source", errors)
        declared = getattr(item.section, "source", None)
        self.source = _bind(SOURCES, declared, default or PluginSpec(None), errors)
        if self.source is not None:
            errors += self.source.validate(item)

    def columns(self, columns: list[str] | None, errors: list[ConfigError]) -> list[str] | None:
        return self.source.columns(self.item) if self.source else None

    def plan(self) -> dict[str, Any]:
        return self.source.plan(self.item) if self.source else {}

    def run(self, run: StageRun) -> None:
        assert self.source is not None
        if self.source.incremental:
            from prodi.io.delta_txn import claim

            run.claim = claim(run.spark, run.target).txn
        df = self.source.resolved(run.resolve).read(run)
        if df is None:
            return
        if self.source.counted:
            # Counted by the first rule stage's aggregation (or the write), not a pass of its own.
            df = df if self.source.rereadable else run.cached(df)
            run.counting = True
        run.df = df


class Write(Stage):
    """Writes with the item's `sink` (default: the layer's) and counts the rows written."""

    Options = WriteOptions
    # `maintenance` is read by `prodi maintain`, for the table this stage writes.
    uses = ("sink", "partition_by", "max_quarantined_ratio", "maintenance")
    sink: Sink | None

    def prepare(self, item: Item, errors: list[ConfigError]) -> None:
        super().prepare(item, errors)
        default = PluginSpec.from_config(self.options.sink, f"{self.path}.sink", errors)
        self.sink = _bind(SINKS, item.section.sink, default or PluginSpec(None), errors)

    def section_keys(self) -> tuple[str, ...]:
        return (*self.uses, *(self.sink.section_keys if self.sink else ()))

    def columns(self, columns: list[str] | None, errors: list[ConfigError]) -> list[str] | None:
        if self.sink is None:
            return columns
        errors += self.sink.validate(self.item, columns)
        errors += maintenance_errors(self.item, columns, self.sink.partition_by(self.item))
        if columns is not None and not isinstance(self.item.section, MartSpec):
            errors += [unknown_column(f"{self.item.path}.partition_by[{i}]", c, columns)
                       for i, c in enumerate(self.item.section.partition_by) if c not in columns]
        return columns

    def plan(self) -> dict[str, Any]:
        if self.sink is None:
            return {}
        return {"writes": self.item.target, **self.sink.plan(self.item)}

    def run(self, run: StageRun) -> None:
        from functools import reduce

        assert self.sink is not None and run.df is not None
        run.redo_safe = self.sink.redo_safe(run)
        # The evidence first: a run that fails on too many bad rows still keeps them.
        rows = reduce(lambda a, b: a.unionByName(b), run.quarantine) if run.quarantine else None
        run.rows_quarantined = write_quarantine(run, rows)
        _check_ratio(run, self._max_ratio())
        written = self.sink.resolved(run.resolve).write(run.df, run)
        run.rows_written, run.version_written = written.rows, written.version
        run.rows_superseded += written.superseded
        run.account_for_sink_input(written.rows_in)

    def _max_ratio(self) -> float | None:
        own = getattr(self.item.section, "max_quarantined_ratio", None)
        return own if own is not None else self.item.layer.max_quarantined_ratio


class QuarantineLimitError(DataError):
    """More of the rows read were quarantined than the dataset allows."""


def _check_ratio(run: StageRun, limit: float | None) -> None:
    if limit is None or not run.rows_read or not run.rows_quarantined:
        return
    ratio = run.rows_quarantined / run.rows_read
    if ratio > limit:
        raise QuarantineLimitError(
            f"dataset {run.item.name!r} ({run.item.layer.name}): {run.rows_quarantined} of "
            f"{run.rows_read} rows read were quarantined ({ratio:.1%}), more than "
            f"max_quarantined_ratio {limit:g} allows; they are in {quarantine_location(run.item)} "
            "with their reasons. Fix the delivery or raise the limit.")
