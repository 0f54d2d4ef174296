"""Datasets, their per-layer sections, and marts."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from prodi.model.errors import ConfigError, describe
from prodi.model.schema.plugin import PluginSpec
from prodi.model.tree import join
from prodi.model.typed import build

Action = Literal["warn", "drop", "quarantine", "fail"]
SchemaPolicy = Literal["fail", "add_columns", "rescue"]
# How a key's versions are told apart without `sequence_by`: the one that arrived last wins
# (by _landed_date, _ingested_at, _source_file, _record_number), whatever the values say.
Dedupe = Literal["last_arrived"]


@dataclass(frozen=True)
class ColumnSpec:
    """A declared column: its name and Spark SQL type."""

    name: str
    type: str
    # A value that fits the type only by rounding (12.345 into decimal(12,2)) is quarantined,
    # unless this says `round`.
    on_precision_loss: Literal["quarantine", "round"] = "quarantine"


@dataclass(frozen=True)
class ExpectationSpec:
    """A named check with an action: rows where its valid-row predicate is not true get it.

    `{name, expr, action}` is the `expr` check; `{name, type: not_null, columns: [...]}` names
    another registered check type.
    """

    name: str
    check: PluginSpec
    action: Action = "drop"

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> ExpectationSpec | None:
        if not isinstance(data, dict):
            errors.append(ConfigError(path, "a mapping with `name`, an `expr` (or a check `type`) "
                                            "and an `action`", describe(data)))
            return None
        before = len(errors)
        if "name" in data:
            name = build(str, data["name"], join(path, "name"), errors)
        else:
            name = None
            errors.append(ConfigError(join(path, "name"), "a value (str)", "nothing (missing)"))
        action = build(Action, data.get("action", "drop"), join(path, "action"), errors)  # type: ignore[arg-type]
        options = {k: v for k, v in data.items() if k not in ("name", "action")}
        check = PluginSpec.from_config({"type": "expr", **options}, path, errors)
        if len(errors) > before or name is None or check is None:
            return None
        return cls(name, check, action)


@dataclass(frozen=True)
class MaintenanceSpec:
    """How `prodi maintain` keeps one table: file layout and Delta table properties."""

    zorder_by: tuple[str, ...] = ()  # OPTIMIZE ... ZORDER BY these columns
    cluster_by: tuple[str, ...] = ()  # liquid clustering columns (instead of Z-ORDER)
    properties: dict[str, str] = field(default_factory=dict)  # e.g. delta.enableChangeDataFeed


@dataclass(frozen=True)
class SectionSpec:
    """What one dataset declares for one layer. Which keys a layer uses depends on its stages;
    a key the layer's stages don't read is an error, so nothing is silently ignored."""

    source: PluginSpec | None = None
    columns: tuple[ColumnSpec, ...] | None = None
    steps: tuple[PluginSpec, ...] = ()
    expectations: tuple[ExpectationSpec, ...] = ()
    keys: tuple[str, ...] | None = None
    sequence_by: str | None = None
    dedupe: Dedupe | None = None  # the explicit way to set `keys` without `sequence_by`
    partition_by: tuple[str, ...] = ()
    sink: PluginSpec | None = None
    # Unexpected or missing columns in what is read (default: the layer's).
    on_schema_change: SchemaPolicy | None = None
    # Fail the run when more than this share of the rows read is quarantined (default: the layer's).
    max_quarantined_ratio: float | None = None
    maintenance: MaintenanceSpec = MaintenanceSpec()

    def keys_set(self) -> list[str]:
        """The keys this section sets (differs from the default)."""
        return [f.name for f in fields(self) if getattr(self, f.name) != f.default]

    def ordering_errors(self, path: str) -> list[ConfigError]:
        """`keys` need a way to pick a key's version: `sequence_by`, or `dedupe: last_arrived`
        said out loud (else conflicting versions would be settled silently by arrival)."""
        if self.keys and self.sequence_by is None and self.dedupe is None:
            return [ConfigError(join(path, "sequence_by"), "`sequence_by: <column>` (the column "
                                "that orders a key's versions) or `dedupe: last_arrived` (the "
                                "version that arrived last wins), since `keys` is set", "neither")]
        if self.sequence_by is not None and self.dedupe is not None:
            return [ConfigError(join(path, "dedupe"), "no `dedupe` beside `sequence_by` (the "
                                "sequence already picks a key's version)", repr(self.dedupe))]
        return []


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset: a description and one section per layer it takes part in, named after the layer."""

    description: str = ""
    sections: dict[str, SectionSpec] = field(default_factory=dict)

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> DatasetSpec | None:
        if not isinstance(data, dict):
            errors.append(ConfigError(path, "a mapping (DatasetSpec)", describe(data)))
            return None
        before = len(errors)
        description = build(str, data.get("description", ""), join(path, "description"), errors)
        sections: dict[str, SectionSpec] = {}
        for key, value in data.items():
            if key == "description" or value is None:
                continue
            where = join(path, str(key))
            if not isinstance(value, dict):
                errors.append(ConfigError(where, "a layer's section: a mapping named after the "
                                          "layer (raw, bronze, silver, ...), or `description`",
                                          describe(value)))
                continue
            section = build(SectionSpec, value, where, errors)
            if section is not None:
                errors += section.ordering_errors(where)
                sections[str(key)] = section
        if len(errors) > before:
            return None
        return cls(description or "", sections)

    def section(self, layer: str) -> SectionSpec | None:
        return self.sections.get(layer)


@dataclass(frozen=True)
class MartSpec:
    """A table computed by one SQL query over the tables of the layer below (and earlier marts).

    `layer` is the layer that builds it; by default the first layer whose items are marts.
    """

    sql: str
    description: str = ""
    partition_by: tuple[str, ...] = ()
    layer: str | None = None
    sink: PluginSpec | None = None
    maintenance: MaintenanceSpec = MaintenanceSpec()


@dataclass(frozen=True)
class PipelineSpec:
    name: str
    datasets: dict[str, DatasetSpec] = field(default_factory=dict)
    marts: dict[str, MartSpec] = field(default_factory=dict)
