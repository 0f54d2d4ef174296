"""Filling a dataset's result from what its write and its quality checks reported."""

from __future__ import annotations

import time

from prodi.io.delta_tables import WriteMetrics
from prodi.observability.summary import DatasetResult
from prodi.quality.expectations import QualityReport


def finish(result: DatasetResult, metrics: WriteMetrics, report: QualityReport,
           started: float) -> DatasetResult:
    """`result` with rows written, rows dropped per rule, warnings and the duration."""
    result.rows_written = metrics.rows_written
    result.rows_dropped = report.dropped
    result.failed_rules, result.warned_rules = report.by_action("drop"), report.by_action("warn")
    result.samples = report.samples
    result.duration_s = time.monotonic() - started
    return result
