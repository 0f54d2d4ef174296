"""Expectations: valid-row predicates with warn / drop / quarantine / fail, counted in one pass."""

from __future__ import annotations

import pytest
from chispa import assert_df_equality

from prodi.checks import CHECKS, Rule
from prodi.checks.evaluate import DataQualityError, evaluate
from prodi.model.errors import ConfigError


@pytest.mark.spark
def test_drop_and_warn_are_counted_per_rule_and_null_fails(spark_session):
    df = spark_session.createDataFrame([(1, "EUR"), (-2, "EUR"), (3, "XYZ"), (None, None),
                                        (5, "EUR")], "amount int, currency string")
    result = evaluate(df, [
        Rule("positive", "amount >= 0", "drop"),
        Rule("known", "currency IN ('EUR')", "drop"),
        Rule("small", "amount < 2", "warn"),
    ], "orders")
    assert_df_equality(result.valid, spark_session.createDataFrame(
        [(1, "EUR"), (5, "EUR")], "amount int, currency string"), ignore_row_order=True)
    # `small` fails for 3, NULL and 5, but 3 and NULL are dropped: it warns about the one kept
    assert {c.name: c.failed for c in result.counts} == {"positive": 2, "known": 2, "small": 1}
    assert (result.rows, result.dropped, result.quarantined) == (5, 3, 0)  # null row dropped once
    assert {c.name: c for c in result.counts}["small"].samples == [{"amount": 5}]
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
def test_a_warn_rule_counts_only_rows_no_quarantine_or_drop_rule_removed(spark_session):
    df = spark_session.createDataFrame(
        [(1, "EUR", "a"), (-1, "EUR", ""), (2, "XYZ", ""), (3, "EUR", ""), (4, "EUR", "b"),
         (-5, "XYZ", "")], "amount int, currency string, note string")
    result = evaluate(df, [
        Rule("noted", "note <> ''", "warn"),
        Rule("positive", "amount >= 0", "quarantine"),
        Rule("known", "currency IN ('EUR')", "drop"),
    ], "orders")
    # `noted` fails in -1, 2, 3 and -5; -1 and -5 are quarantined, 2 is dropped: 3 is kept
    assert {c.name: c.failed for c in result.counts} == {"noted": 1, "positive": 2, "known": 2}
    assert (result.rows, result.quarantined, result.dropped) == (6, 2, 1)
    assert {c.name: c for c in result.counts}["noted"].samples == [{"note": ""}]
    assert sorted(r["amount"] for r in result.valid.collect()) == [1, 3, 4]


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
