"""Expectations: valid-row predicates with warn / drop / quarantine / fail, counted in one pass."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality

from prodi.checks import CHECKS, Rule
from prodi.checks.evaluate import DataQualityError, evaluate
from prodi.model.errors import ConfigError


@pytest.mark.spark
def test_drop_and_warn_are_counted_per_rule_and_null_fails(spark_session):
    df = spark_session.createDataFrame([(1, "EUR"), (-2, "EUR"), (3, "XYZ"), (None, None)],
                                       "amount int, currency string")
    result = evaluate(df, [
        Rule("positive", "amount >= 0", "drop"),
        Rule("known", "currency IN ('EUR')", "drop"),
        Rule("small", "amount < 2", "warn"),
    ], "orders")
    assert_df_equality(result.valid,
                       spark_session.createDataFrame([(1, "EUR")], "amount int, currency string"))
    assert {c.name: c.failed for c in result.counts} == {"positive": 2, "known": 2, "small": 2}
    assert (result.rows, result.dropped, result.quarantined) == (4, 3, 0)  # null row dropped once
    by_name = {c.name: c for c in result.counts}
    # samples show only the columns a rule reads, so logs say which rows without whole records
    assert sorted(r["amount"] for r in by_name["positive"].samples if r["amount"] is not None) == [-2]
    assert set(by_name["known"].samples[0]) == {"currency"}


@pytest.mark.spark
def test_quarantine_keeps_every_broken_rule_and_wins_over_drop(spark_session):
    df = spark_session.createDataFrame([(1, "EUR"), (-2, "XYZ"), (3, "XYZ"), (None, "EUR")],
                                       "amount int, currency string")
    result = evaluate(df, [
        Rule("positive", "amount >= 0", "quarantine"),
        Rule("known", "currency IN ('EUR')", "drop"),
    ], "orders")
    assert sorted(r["amount"] for r in result.valid.collect()) == [1]
    assert (result.rows, result.dropped, result.quarantined) == (4, 1, 2)
    errors = {r["amount"]: [(e["rule"], e["expression"], list(e["columns"])) for e in r["_errors"]]
              for r in result.quarantine.collect()}
    assert errors == {-2: [("positive", "amount >= 0", ["amount"]),
                           ("known", "currency IN ('EUR')", ["currency"])],
                      None: [("positive", "amount >= 0", ["amount"])]}


@pytest.mark.spark
def test_fail_raises_with_rule_and_count(spark_session):
    df = spark_session.createDataFrame([(1,), (-1,)], "amount int")
    with pytest.raises(DataQualityError, match=r"'positive'.*failed for 1 row"):
        evaluate(df, [Rule("positive", "amount >= 0", "fail")], "orders")


def test_not_null_check_builds_its_predicate_and_validates_columns():
    errors: list[ConfigError] = []
    check = CHECKS.get("not_null", "x").bind("not_null", {"columns": ["a", "b"]}, "rules[0]", errors)
    assert check is not None and not errors
    assert check.predicate() == "`a` IS NOT NULL AND `b` IS NOT NULL"
    assert [e.path for e in check.validate(["a"])] == ["rules[0].columns"]
