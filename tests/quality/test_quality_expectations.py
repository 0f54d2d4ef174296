"""Expectations: valid-row predicates with warn / drop / fail, counted per rule."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality

from prodi.model.schema.pipeline import ExpectationSpec
from prodi.quality.expectations import DataQualityError, apply_expectations

pytestmark = pytest.mark.spark


def rule(name: str, expr: str, action: str) -> ExpectationSpec:
    return ExpectationSpec(name=name, expr=expr, action=action)


def test_drop_and_warn_are_counted_per_rule_and_null_fails(spark_session):
    df = spark_session.createDataFrame([(1, "EUR"), (-2, "EUR"), (3, "XYZ"), (None, None)],
                                       "amount int, currency string")
    valid, report = apply_expectations(df, [
        rule("positive", "amount >= 0", "drop"),
        rule("known", "currency IN ('EUR')", "drop"),
        rule("small", "amount < 2", "warn"),
    ], "orders")
    assert_df_equality(valid, spark_session.createDataFrame([(1, "EUR")], "amount int, currency string"))
    assert report.failed == {"positive": 2, "known": 2, "small": 2}
    assert report.dropped == 3  # the null row breaks two rules but is dropped once
    assert report.by_action("warn") == {"small": 2}
    # samples show only the columns a rule reads, so logs say which rows without whole records
    assert sorted(r["amount"] for r in report.samples["positive"] if r["amount"] is not None) == [-2]
    assert set(report.samples["known"][0]) == {"currency"}


def test_fail_raises_with_rule_and_count(spark_session):
    df = spark_session.createDataFrame([(1,), (-1,)], "amount int")
    with pytest.raises(DataQualityError, match=r"'positive'.*failed for 1 row"):
        apply_expectations(df, [rule("positive", "amount >= 0", "fail")], "orders")
