"""A transform step: `DataFrame -> DataFrame`, plus the columns it leaves (checked with no JVM)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

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
    """Subclasses implement `apply`. Options that name columns are listed in `column_options`
    (a list is checked item by item, a mapping by its keys); `columns_after` says how the step
    changes the columns, when it does."""

    column_options: ClassVar[tuple[str, ...]] = ()

    def columns_after(self, columns: list[str], errors: list[ConfigError]) -> list[str]:
        """The column names after this step; names it can't find are appended to `errors`."""
        for option in self.column_options:
            named = getattr(self.options, option)
            if isinstance(named, Mapping):
                errors += [unknown_column(f"{self.path}.{option}.{c}", c, columns)
                           for c in named if c not in columns]
            else:
                errors += [unknown_column(f"{self.path}.{option}[{i}]", c, columns)
                           for i, c in enumerate(named) if c not in columns]
        return columns

    def apply(self, df: DataFrame) -> DataFrame:
        raise NotImplementedError
