"""A transform step: `DataFrame -> DataFrame`, plus the columns it leaves (checked with no JVM)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodi.model.errors import ConfigError
from prodi.model.sql import unknown_column
from prodi.plugins.base import Plugin

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class ColumnList:
    """The options of steps that act on a list of columns."""

    columns: tuple[str, ...]


class Step(Plugin):
    """Subclasses implement `apply`; `columns_after` reports unknown columns and the new schema."""

    def columns_after(self, columns: list[str], errors: list[ConfigError]) -> list[str]:
        """The column names after this step; names it can't find are appended to `errors`."""
        return columns

    def apply(self, df: DataFrame) -> DataFrame:
        raise NotImplementedError

    def unknown_listed(self, field: str, names: Iterable[str], columns: list[str]
                       ) -> list[ConfigError]:
        """An error for each name of the list option `field` that is not one of `columns`."""
        return [unknown_column(f"{self.path}.{field}[{i}]", c, columns)
                for i, c in enumerate(names) if c not in columns]

    def unknown_keys(self, field: str, names: Iterable[str], columns: list[str]) -> list[ConfigError]:
        """An error for each key of the mapping option `field` that is not one of `columns`."""
        return [unknown_column(f"{self.path}.{field}.{c}", c, columns) for c in names
                if c not in columns]
