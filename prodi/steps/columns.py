"""Steps that add, change, rename or remove columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prodi.model.errors import ConfigError
from prodi.model.spark_types import valid_type
from prodi.model.sql import expression_errors
from prodi.steps.base import ColumnList, Step

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class ColumnMapping:
    columns: dict[str, str]


class Cast(Step):
    """`columns: {name: spark type}`."""

    Options = ColumnMapping
    column_options = ("columns",)

    def columns_after(self, columns: list[str], errors: list[ConfigError]) -> list[str]:
        super().columns_after(columns, errors)
        errors += [ConfigError(f"{self.path}.columns.{c}", "a Spark type", repr(t))
                   for c, t in self.options.columns.items() if not valid_type(t)]
        return columns

    def apply(self, df: DataFrame) -> DataFrame:
        from pyspark.sql import functions as F

        return df.withColumns({c: F.col(c).cast(t) for c, t in self.options.columns.items()})


class Rename(Step):
    """`columns: {old: new}`."""

    Options = ColumnMapping
    column_options = ("columns",)

    def columns_after(self, columns: list[str], errors: list[ConfigError]) -> list[str]:
        super().columns_after(columns, errors)
        return [self.options.columns.get(c, c) for c in columns]

    def apply(self, df: DataFrame) -> DataFrame:
        return df.withColumnsRenamed(dict(self.options.columns))


class Derive(Step):
    """`columns: {name: Spark SQL expression}`, in order: later ones may read earlier ones."""

    Options = ColumnMapping

    def columns_after(self, columns: list[str], errors: list[ConfigError]) -> list[str]:
        after = list(columns)
        for name, expression in self.options.columns.items():
            errors += expression_errors(f"{self.path}.columns.{name}", expression, after)
            if name not in after:
                after.append(name)
        return after

    def apply(self, df: DataFrame) -> DataFrame:
        from pyspark.sql import functions as F

        for name, expression in self.options.columns.items():
            df = df.withColumn(name, F.expr(expression))
        return df


class Drop(Step):
    Options = ColumnList
    column_options = ("columns",)

    def columns_after(self, columns: list[str], errors: list[ConfigError]) -> list[str]:
        super().columns_after(columns, errors)
        return [c for c in columns if c not in self.options.columns]

    def apply(self, df: DataFrame) -> DataFrame:
        return df.drop(*self.options.columns)


@dataclass(frozen=True)
class FillValues:
    values: dict[str, str] = field(default_factory=dict)  # column -> Spark SQL expression


class FillNull(Step):
    """`values: {column: Spark SQL expression}`: NULLs take the expression's value."""

    Options = FillValues
    column_options = ("values",)

    def apply(self, df: DataFrame) -> DataFrame:
        from pyspark.sql import functions as F

        return df.withColumns({c: F.coalesce(F.col(c), F.expr(v))
                               for c, v in self.options.values.items()})
