"""Parameters of the declarative transform steps, one dataclass per step type.

The Spark implementation of each type lives in `prodi.layers.transforms`; a test keeps the
two registries in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ColumnsStep:
    """Steps that apply one function to a list of columns (trim, upper, lower, null_if_empty)."""

    columns: tuple[str, ...]


@dataclass(frozen=True)
class CastStep:
    columns: dict[str, str]


@dataclass(frozen=True)
class RenameStep:
    columns: dict[str, str]


@dataclass(frozen=True)
class DeriveStep:
    """New or replaced columns from Spark SQL expressions."""

    columns: dict[str, str]


@dataclass(frozen=True)
class FilterStep:
    condition: str


@dataclass(frozen=True)
class DropStep:
    columns: tuple[str, ...]


@dataclass(frozen=True)
class FillNullStep:
    values: dict[str, str] = field(default_factory=dict)


STEP_PARAMS: dict[str, type] = {
    "trim": ColumnsStep,
    "upper": ColumnsStep,
    "lower": ColumnsStep,
    "null_if_empty": ColumnsStep,
    "cast": CastStep,
    "rename": RenameStep,
    "derive": DeriveStep,
    "filter": FilterStep,
    "drop": DropStep,
    "fill_null": FillNullStep,
}


@dataclass(frozen=True)
class StepSpec:
    """One transform step: its registered type name and its typed parameters."""

    type: str
    params: object
