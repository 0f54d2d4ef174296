"""Applying rules inside a stage: evaluate, keep the valid rows, record counts and quarantine."""

from __future__ import annotations

from collections.abc import Sequence

from prodi.checks.base import Rule
from prodi.checks.evaluate import evaluate
from prodi.checks.quarantine import quarantine_rows, value_columns
from prodi.model.columns import ERRORS
from prodi.plugins.run import RuleCount, StageRun


def apply_rules(run: StageRun, rules: Sequence[Rule]) -> None:
    """Replace the run's rows by those passing the drop and quarantine rules; count failures per
    rule; queue the quarantined rows (with their values as they are at this stage). The rows
    evaluated are counted too, so rows that steps removed since the last count are accounted."""
    from pyspark.sql import functions as F

    assert run.df is not None
    if not rules:
        return  # nothing to check: the rows are counted further on, not in a pass of their own
    result = evaluate(run.df, rules, run.item.name)
    removed = run.counted(result.rows)
    if removed:  # what transform steps (a filter) removed since the last count
        run.rules.append(RuleCount("transform steps", "drop", removed))
        run.rows_dropped += removed
    run.rules += result.counts
    run.rows_dropped += result.dropped
    run.rows_current = result.rows - result.dropped - result.quarantined
    if result.quarantine is not None:
        run.quarantine.append(quarantine_rows(result.quarantine, F.col(ERRORS),
                                              value_columns(run.df), run.run_id))
    run.df = result.valid

