"""Datasets, their per-layer specs, and gold marts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from prodi.config.schema.steps import StepSpec

SourceFormat = Literal["csv", "json", "parquet", "text"]
Action = Literal["warn", "drop", "fail"]


@dataclass(frozen=True)
class SourceSpec:
    format: SourceFormat
    path: str
    glob: str = "*"
    # Regex whose first match in a file name is the file's landed date (YYYY-MM-DD).
    date_pattern: str | None = None
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RawSpec:
    source: SourceSpec


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str


@dataclass(frozen=True)
class ExpectationSpec:
    """A valid-row predicate; rows where it is not true get the action."""

    name: str
    expr: str
    action: Action = "drop"


@dataclass(frozen=True)
class BronzeSpec:
    columns: tuple[ColumnSpec, ...]
    expectations: tuple[ExpectationSpec, ...] = ()


@dataclass(frozen=True)
class SilverSpec:
    keys: tuple[str, ...]
    sequence_by: str | None = None
    partition_by: tuple[str, ...] = ()
    steps: tuple[StepSpec, ...] = ()
    expectations: tuple[ExpectationSpec, ...] = ()


@dataclass(frozen=True)
class DatasetSpec:
    description: str = ""
    raw: RawSpec | None = None
    bronze: BronzeSpec | None = None
    silver: SilverSpec | None = None


@dataclass(frozen=True)
class MartSpec:
    sql: str
    description: str = ""
    partition_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class PipelineSpec:
    name: str
    datasets: dict[str, DatasetSpec] = field(default_factory=dict)
    marts: dict[str, MartSpec] = field(default_factory=dict)
