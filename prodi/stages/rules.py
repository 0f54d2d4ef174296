"""Applying rules inside a stage: evaluate, keep the valid rows, record the counts."""

from __future__ import annotations

from collections.abc import Sequence

from prodi.checks.base import Rule
from prodi.checks.evaluate import evaluate
from prodi.plugins.run import StageRun


def apply_rules(run: StageRun, rules: Sequence[Rule]) -> None:
    """Replace the run's rows by those passing the drop rules; count failures per rule."""
    assert run.df is not None
    run.df, counts, dropped = evaluate(run.df, rules, run.item.name)
    run.rules += counts
    run.rows_dropped += dropped
