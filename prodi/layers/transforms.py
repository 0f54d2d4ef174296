"""Declarative transform steps by name: each builds a `DataFrame -> DataFrame` closure.

Parameters are validated by `prodi.config.schema.steps`; a test keeps both registries in step.
"""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from prodi.config.schema.steps import (
    CastStep,
    ColumnsStep,
    DeriveStep,
    DropStep,
    FillNullStep,
    FilterStep,
    RenameStep,
    StepSpec,
)

Transform = Callable[[DataFrame], DataFrame]


def _per_column(fn: Callable) -> Callable[[ColumnsStep], Transform]:
    def build(params: ColumnsStep) -> Transform:
        return lambda df: df.withColumns({c: fn(F.col(c)) for c in params.columns})

    return build


def _cast(params: CastStep) -> Transform:
    return lambda df: df.withColumns({c: F.col(c).cast(t) for c, t in params.columns.items()})


def _rename(params: RenameStep) -> Transform:
    return lambda df: df.withColumnsRenamed(dict(params.columns))


def _derive(params: DeriveStep) -> Transform:
    def apply(df: DataFrame) -> DataFrame:
        for name, expression in params.columns.items():  # in order: later ones may use earlier
            df = df.withColumn(name, F.expr(expression))
        return df

    return apply


def _filter(params: FilterStep) -> Transform:
    return lambda df: df.filter(F.expr(params.condition))


def _drop(params: DropStep) -> Transform:
    return lambda df: df.drop(*params.columns)


def _fill_null(params: FillNullStep) -> Transform:
    return lambda df: df.withColumns(
        {c: F.coalesce(F.col(c), F.expr(v)) for c, v in params.values.items()})


TRANSFORMS: dict[str, Callable[..., Transform]] = {
    "trim": _per_column(F.trim),
    "upper": _per_column(F.upper),
    "lower": _per_column(F.lower),
    "null_if_empty": _per_column(lambda c: F.when(F.trim(c) == "", None).otherwise(c)),
    "cast": _cast,
    "rename": _rename,
    "derive": _derive,
    "filter": _filter,
    "drop": _drop,
    "fill_null": _fill_null,
}


def apply_steps(df: DataFrame, steps: tuple[StepSpec, ...]) -> DataFrame:
    """Apply the steps in order."""
    for step in steps:
        df = df.transform(TRANSFORMS[step.type](step.params))
    return df
