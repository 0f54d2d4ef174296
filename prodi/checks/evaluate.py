"""Evaluate rules on a DataFrame in one pass: failures per rule, the valid rows, the quarantine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodi.checks.base import Rule
from prodi.checks.quarantine import Failure, errors_column
from prodi.model.columns import ERRORS, RECORD_NUMBER, SOURCE_FILE
from prodi.model.errors import DataError
from prodi.plugins.run import RuleCount

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


class DataQualityError(DataError):
    """An `action: fail` rule had failing rows."""

    def __init__(self, dataset: str, rule: Rule, failed: int, sample: list[dict]) -> None:
        self.dataset, self.rule, self.failed, self.sample = dataset, rule, failed, sample
        super().__init__(
            f"dataset {dataset!r}: expectation {rule.name!r} ({rule.predicate}) failed for {failed} "
            f"row(s); first: {sample}. Fix the data or set its action to warn/drop/quarantine."
        )


@dataclass
class Evaluation:
    valid: DataFrame  # rows that pass every drop and quarantine rule
    counts: list[RuleCount]
    rows: int  # rows evaluated
    dropped: int
    quarantined: int
    # The quarantined rows with `_errors` (every rule they broke), or None when there are none.
    quarantine: DataFrame | None = None


def evaluate(df: DataFrame, rules: Sequence[Rule], dataset: str) -> Evaluation:
    """Count every rule's failures, with samples, in one aggregation; then split the rows.

    A rule holds where its predicate is true; NULL counts as a failure. A row that breaks a
    quarantine rule is quarantined (with every rule it broke), one that breaks only drop rules
    is dropped, warn rules only count (among the rows kept). Raises DataQualityError on a
    failing `fail` rule. Callers should pass a frame that is cheap to read again (cached, or a
    pinned table): it is read for the counts and again for the split.
    """
    from pyspark.sql import functions as F

    failed = [~F.coalesce(F.expr(r.predicate).cast("boolean"), F.lit(False)) for r in rules]
    quarantined = _any([f for f, r in zip(failed, rules, strict=True) if r.action == "quarantine"])
    dropped = ~quarantined & _any([f for f, r in zip(failed, rules, strict=True) if r.action == "drop"])
    # A warn rule counts (and samples) only the rows that are kept: a row a drop or quarantine
    # rule removes is reported there, not again as a warning about a row that was written.
    kept = ~quarantined & ~dropped
    counted = [f & kept if r.action == "warn" else f for f, r in zip(failed, rules, strict=True)]
    totals = df.select(F.count(F.lit(1)).alias("rows"),
                       *[F.sum(f.cast("int")).alias(f"r{i}") for i, f in enumerate(counted)],
                       *[x for i, (f, r) in enumerate(zip(counted, rules, strict=True))
                         for x in _samples(df, f, r, f"s{i}")],
                       F.sum(quarantined.cast("int")).alias("quarantined"),
                       F.sum(dropped.cast("int")).alias("dropped")).collect()[0]
    counts = []
    for i, rule in enumerate(rules):
        n = int(totals[f"r{i}"] or 0)
        samples = [s.asDict() for s in (totals[f"s{i}_first"], totals[f"s{i}_last"]) if s]
        samples = samples[:1] if len(samples) == 2 and samples[0] == samples[1] else samples
        if rule.action == "fail" and n:
            raise DataQualityError(dataset, rule, n, samples)
        counts.append(RuleCount(rule.name, rule.action, n, samples))
    n_dropped, n_quarantined = int(totals["dropped"] or 0), int(totals["quarantined"] or 0)
    valid = df.filter(kept) if n_dropped or n_quarantined else df
    bad = None
    if n_quarantined:
        errors = errors_column([(f, Failure(r.name, r.predicate, r.columns))
                                for f, r in zip(failed, rules, strict=True)])
        bad = df.filter(quarantined).withColumn(ERRORS, errors)
    return Evaluation(valid, counts, int(totals["rows"]), n_dropped, n_quarantined, bad)


def _any(flags: list[Column]) -> Column:
    from pyspark.sql import functions as F

    result = F.lit(False)
    for flag in flags:
        result = result | flag
    return result


def _samples(df: DataFrame, failed: Column, rule: Rule, name: str) -> list[Column]:
    """The first and last failing rows (by file and record number, when known), as aggregates of
    the counting pass: the file and record number they came from and the columns the rule reads,
    so a user can find the bad rows without whole records landing in logs."""
    from pyspark.sql import functions as F

    columns = [c for c in (SOURCE_FILE, RECORD_NUMBER, *rule.columns) if c in df.columns]
    if not columns:
        return [F.lit(None).alias(f"{name}_first"), F.lit(None).alias(f"{name}_last")]
    ordered = [c for c in (SOURCE_FILE, RECORD_NUMBER) if c in df.columns]
    key = F.struct(*ordered) if ordered else F.to_json(F.struct(*columns))
    value, key = F.when(failed, F.struct(*columns)), F.when(failed, key)
    return [F.min_by(value, key).alias(f"{name}_first"), F.max_by(value, key).alias(f"{name}_last")]
