"""Each built-in step on a tiny DataFrame, bound from YAML-shaped options like a run binds them."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality

from prodi.model.errors import ConfigError
from prodi.steps import STEPS, Step


def bound(*specs: dict) -> list[Step]:
    errors: list[ConfigError] = []
    steps = []
    for i, spec in enumerate(specs):
        options = {k: v for k, v in spec.items() if k != "type"}
        step = STEPS.get(spec["type"], f"steps[{i}].type").bind(spec["type"], options,
                                                                f"steps[{i}]", errors)
        steps.append(step)
    assert not errors, errors
    return steps


def apply(df, steps: list[Step]):  # noqa: ANN001, ANN201
    for step in steps:
        df = df.transform(step.apply)
    return df


@pytest.mark.spark
def test_conforming_steps(spark_session):
    df = spark_session.createDataFrame([(" a1 ", " eur ", "", "3")], ["id", "cur", "note", "n"])
    out = apply(df, bound(
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


@pytest.mark.spark
def test_filter_and_lower(spark_session):
    df = spark_session.createDataFrame([("A", 1), ("B", -1)], ["s", "v"])
    out = apply(df, bound({"type": "filter", "condition": "v > 0"},
                          {"type": "lower", "columns": ["s"]}))
    assert_df_equality(out, spark_session.createDataFrame([("a", 1)], ["s", "v"]),
                       ignore_nullable=True)


def test_lineage_follows_renames_derives_and_drops_and_names_unknown_columns():
    steps = bound({"type": "rename", "columns": {"cur": "currency"}},
                  {"type": "derive", "columns": {"n2": "n * 2"}},
                  {"type": "drop", "columns": ["n"]},
                  {"type": "trim", "columns": ["cur", "currency"]},
                  {"type": "filter", "condition": "nope > 1"})
    errors: list[ConfigError] = []
    columns = ["id", "cur", "n"]
    for step in steps:
        columns = step.columns_after(columns, errors)
    assert columns == ["id", "currency", "n2"]
    assert [e.path for e in errors] == ["steps[3].columns[0]", "steps[4].condition"]
    assert "'cur'" in errors[0].got and "'nope'" in errors[1].got


def test_unknown_step_type_lists_the_known_ones():
    with pytest.raises(ConfigError) as exc:
        STEPS.get("pivot", "steps[0].type")
    assert exc.value.path == "steps[0].type"
    assert all(name in exc.value.expected for name in ("trim", "derive", "fill_null"))


def test_options_are_typed_with_key_paths():
    errors: list[ConfigError] = []
    assert STEPS.get("trim", "p").bind("trim", {"columns": "id", "x": 1}, "steps[2]", errors) is None
    assert sorted(e.path for e in errors) == ["steps[2].columns", "steps[2].x"]
