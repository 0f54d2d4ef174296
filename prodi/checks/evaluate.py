"""Evaluate rules on a DataFrame in one pass: failures per rule, the valid rows, samples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from prodi.checks.base import Rule
from prodi.model.columns import SOURCE_FILE
from prodi.model.sql import referenced_columns
from prodi.plugins.run import RuleCount

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

SAMPLE_ROWS = 3


class DataQualityError(Exception):
    """An `action: fail` rule had failing rows."""

    def __init__(self, dataset: str, rule: Rule, failed: int, sample: list[dict]) -> None:
        self.dataset, self.rule, self.failed, self.sample = dataset, rule, failed, sample
        super().__init__(
            f"dataset {dataset!r}: expectation {rule.name!r} ({rule.predicate}) failed for {failed} "
            f"row(s); first: {sample}. Fix the data or set its action to warn/drop."
        )


def evaluate(df: DataFrame, rules: Sequence[Rule], dataset: str
             ) -> tuple[DataFrame, list[RuleCount], int]:
    """The rows that pass every drop rule, a count per rule, and how many rows were dropped.

    Raises DataQualityError on a failing `fail` rule. The input is read once for the counts, so
    callers should pass a cached DataFrame.
    """
    from pyspark.sql import functions as F

    if not rules:
        return df, [], 0
    flags = [F.coalesce(F.expr(r.predicate).cast("boolean"), F.lit(False)) for r in rules]
    keep = F.lit(True)
    for flag, rule in zip(flags, rules, strict=True):
        if rule.action == "drop":
            keep = keep & flag
    failing = [F.sum(F.when(~flag, 1).otherwise(0)).alias(f"r{i}") for i, flag in enumerate(flags)]
    totals = df.select(*failing, F.sum(F.when(~keep, 1).otherwise(0)).alias("dropped")).collect()[0]
    counts = []
    for i, rule in enumerate(rules):
        failed = int(totals[f"r{i}"] or 0)
        samples = _sample(df, flags[i], rule) if failed else []
        if rule.action == "fail" and failed:
            raise DataQualityError(dataset, rule, failed, samples)
        counts.append(RuleCount(rule.name, rule.action, failed, samples))
    dropped = int(totals["dropped"] or 0)
    return (df.filter(keep) if dropped else df), counts, dropped


def _sample(df: DataFrame, flag: Column, rule: Rule) -> list[dict]:
    """A few failing rows: the file they came from and the columns the rule reads, so a user
    can find the bad rows without whole records landing in logs."""
    columns = [c for c in (SOURCE_FILE, *sorted(referenced_columns(rule.predicate)))
               if c in df.columns]
    return [row.asDict() for row in df.filter(~flag).select(*columns).limit(SAMPLE_ROWS).collect()]
