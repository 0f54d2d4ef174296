"""Steps that apply one text function to a list of columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prodi.steps.base import ColumnList, Step

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


class PerColumnStep(Step):
    """Replaces each listed column by `function(column)`."""

    Options = ColumnList
    column_options = ("columns",)

    def function(self, column: Column) -> Column:
        raise NotImplementedError

    def apply(self, df: DataFrame) -> DataFrame:
        from pyspark.sql import functions as F

        return df.withColumns({c: self.function(F.col(c)) for c in self.options.columns})


class Trim(PerColumnStep):
    def function(self, column: Column) -> Column:
        from pyspark.sql import functions as F

        return F.trim(column)


class Upper(PerColumnStep):
    def function(self, column: Column) -> Column:
        from pyspark.sql import functions as F

        return F.upper(column)


class Lower(PerColumnStep):
    def function(self, column: Column) -> Column:
        from pyspark.sql import functions as F

        return F.lower(column)


class NullIfEmpty(PerColumnStep):
    """Empty or blank text becomes NULL."""

    def function(self, column: Column) -> Column:
        from pyspark.sql import functions as F

        return F.when(F.trim(column) == "", None).otherwise(column)
