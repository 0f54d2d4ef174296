"""Parameters of the declarative transform steps, one dataclass per step type.

The Spark implementation of each type lives in `prodi.layers.transforms`; a test keeps the
two registries in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prodi.config.errors import ConfigError, describe
from prodi.config.typed import build


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

    @classmethod
    def from_config(cls, data: Any, path: str, errors: list[ConfigError]) -> StepSpec | None:
        """Build a step from `{type: <name>, ...params}`, checking params against the type's schema."""
        if not isinstance(data, dict) or "type" not in data:
            errors.append(ConfigError(path, "a mapping with a `type` key", describe(data)))
            return None
        name = data["type"]
        params_cls = STEP_PARAMS.get(name) if isinstance(name, str) else None
        if params_cls is None:
            errors.append(ConfigError(f"{path}.type", f"a step type ({', '.join(sorted(STEP_PARAMS))})",
                                      describe(name)))
            return None
        params = build(params_cls, {k: v for k, v in data.items() if k != "type"}, path, errors)
        return None if params is None else cls(type=name, params=params)
