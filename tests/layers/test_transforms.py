"""Each declarative step on a tiny DataFrame; schema and Spark registries stay in step."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality

from prodi.model.errors import ConfigError
from prodi.model.schema.steps import STEP_PARAMS, StepSpec
from prodi.layers.transforms import TRANSFORMS, apply_steps

pytestmark = pytest.mark.spark


def test_every_step_type_has_schema_and_implementation():
    assert set(STEP_PARAMS) == set(TRANSFORMS)


def steps(*specs: dict) -> tuple[StepSpec, ...]:
    errors: list[ConfigError] = []
    built = tuple(StepSpec.from_config(s, f"steps[{i}]", errors) for i, s in enumerate(specs))
    assert not errors, errors
    return built


def test_conforming_steps(spark_session):
    df = spark_session.createDataFrame([(" a1 ", " eur ", "", "3")], ["id", "cur", "note", "n"])
    out = apply_steps(df, steps(
        {"type": "trim", "columns": ["id", "cur"]},
        {"type": "upper", "columns": ["cur"]},
        {"type": "null_if_empty", "columns": ["note"]},
        {"type": "cast", "columns": {"n": "int"}},
        {"type": "rename", "columns": {"cur": "currency"}},
        {"type": "derive", "columns": {"n2": "n * 2", "n3": "n2 + n"}},
        {"type": "fill_null", "values": {"note": "'none'"}},
        {"type": "drop", "columns": ["n"]},
    ))
    expected = spark_session.createDataFrame([("a1", "EUR", "none", 6, 9)],
                                             "id string, currency string, note string, n2 int, n3 int")
    assert_df_equality(out, expected, ignore_nullable=True)


def test_filter_and_lower(spark_session):
    df = spark_session.createDataFrame([("A", 1), ("B", -1)], ["s", "v"])
    out = apply_steps(df, steps({"type": "filter", "condition": "v > 0"},
                                {"type": "lower", "columns": ["s"]}))
    assert_df_equality(out, spark_session.createDataFrame([("a", 1)], ["s", "v"]),
                       ignore_nullable=True)
