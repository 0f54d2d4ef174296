"""Evaluate expectations on a DataFrame: count failures per rule, keep the valid rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from prodi.config.schema.pipeline import ExpectationSpec
from prodi.config.sql_check import referenced_columns

SAMPLE_ROWS = 3


def _sample(df: DataFrame, flag: Column, rule: ExpectationSpec) -> list[dict]:
    columns = [c for c in ("_source_file", *sorted(referenced_columns(rule.expr)))
               if c in df.columns]
    return [row.asDict() for row in df.filter(~flag).select(*columns).limit(SAMPLE_ROWS).collect()]


class DataQualityError(Exception):
    """An `action: fail` expectation had failing rows."""

    def __init__(self, dataset: str, rule: ExpectationSpec, failed: int, sample: list[dict]) -> None:
        self.dataset, self.rule, self.failed, self.sample = dataset, rule, failed, sample
        super().__init__(
            f"dataset {dataset!r}: expectation {rule.name!r} ({rule.expr}) failed for {failed} "
            f"row(s); first: {sample}. Fix the data or set its action to warn/drop."
        )


@dataclass
class QualityReport:
    """Failing-row counts per rule, and how many rows the drop rules removed in total."""

    failed: dict[str, int] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    dropped: int = 0
    # Up to SAMPLE_ROWS failing rows per rule: the file they came from and the columns the
    # rule reads, so a user can find the bad rows without dumping whole records into logs.
    samples: dict[str, list[dict]] = field(default_factory=dict)

    def merge(self, other: QualityReport) -> QualityReport:
        return QualityReport({**self.failed, **other.failed}, {**self.actions, **other.actions},
                             self.dropped + other.dropped, {**self.samples, **other.samples})

    def by_action(self, action: str) -> dict[str, int]:
        return {r: n for r, n in self.failed.items() if self.actions[r] == action and n}


def apply_expectations(df: DataFrame, rules: Sequence[ExpectationSpec], dataset: str
                       ) -> tuple[DataFrame, QualityReport]:
    """Rows that pass every drop rule, and the per-rule report. Raises on a failing `fail` rule.

    A rule holds when its predicate is true; null counts as a failure (as in dlt-meta). The input
    is evaluated once for the counts, so callers should pass a cached DataFrame.
    """
    if not rules:
        return df, QualityReport()
    flags = [F.coalesce(F.expr(r.expr).cast("boolean"), F.lit(False)) for r in rules]
    drop_flags = [flag for flag, r in zip(flags, rules, strict=True) if r.action == "drop"]
    keep = F.lit(True)
    for flag in drop_flags:
        keep = keep & flag
    failing = [F.sum(F.when(~flag, 1).otherwise(0)).alias(f"r{i}") for i, flag in enumerate(flags)]
    counts = df.select(*failing, F.sum(F.when(~keep, 1).otherwise(0)).alias("dropped")).collect()[0]
    report = QualityReport(failed={r.name: int(counts[f"r{i}"] or 0) for i, r in enumerate(rules)},
                           actions={r.name: r.action for r in rules},
                           dropped=int(counts["dropped"] or 0))
    for i, rule in enumerate(rules):
        if report.failed[rule.name]:
            report.samples[rule.name] = _sample(df, flags[i], rule)
        if rule.action == "fail" and report.failed[rule.name]:
            raise DataQualityError(dataset, rule, report.failed[rule.name],
                                   report.samples[rule.name])
    return (df.filter(keep) if drop_flags else df), report
