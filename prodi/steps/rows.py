"""Steps that keep or remove rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodi.model.errors import ConfigError
from prodi.model.sql import expression_errors
from prodi.steps.base import Step

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class Condition:
    condition: str  # a Spark SQL predicate: rows where it is true are kept


class Filter(Step):
    Options = Condition

    def columns_after(self, columns: list[str], errors: list[ConfigError]) -> list[str]:
        errors += expression_errors(f"{self.path}.condition", self.options.condition, columns)
        return columns

    def apply(self, df: DataFrame) -> DataFrame:
        from pyspark.sql import functions as F

        return df.filter(F.expr(self.options.condition))
