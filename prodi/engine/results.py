"""What a layer run did per item, and its rendering as a summary table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from prodi.observability.tables import render_table


@dataclass
class DatasetResult:
    """Every row read ends in exactly one of: written, quarantined, dropped, superseded."""

    layer: str
    dataset: str
    target: str
    rows_read: int | None = 0  # None: not counted (marts read whole tables through SQL)
    rows_written: int = 0
    rows_quarantined: int = 0
    rows_dropped: int = 0
    rows_superseded: int = 0  # older versions of a key, and rows a MERGE skipped as not newer
    failed_rules: dict[str, int] = field(default_factory=dict)  # rows failing per rule, by action
    quarantined_rules: dict[str, int] = field(default_factory=dict)
    warned_rules: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[dict]] = field(default_factory=dict)  # failing rows per rule
    warnings: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    status: str = "ok"
    note: str = ""
    version_written: int | None = None  # the target's Delta version the write committed
    started_at: datetime | None = None
    retries: int = 0  # times the item ran again after losing a write conflict

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


class ConservationError(Exception):
    """The rows read are not all accounted for: a bug, never a data problem to live with."""


def check_conservation(result: DatasetResult) -> None:
    """Rows read = written + quarantined + dropped + superseded, or ConservationError."""
    r = result
    if r.rows_read is None or r.status != "ok":
        return
    accounted = r.rows_written + r.rows_quarantined + r.rows_dropped + r.rows_superseded
    if accounted != r.rows_read:
        raise ConservationError(
            f"dataset {r.dataset!r} ({r.layer}): {r.rows_read} rows read but {accounted} accounted "
            f"for (written {r.rows_written} + quarantined {r.rows_quarantined} + dropped "
            f"{r.rows_dropped} + superseded {r.rows_superseded}); nothing was lost silently, but "
            "the run is stopped so it can be looked at")


def render_results(results: list[DatasetResult]) -> str:
    header = ["layer", "dataset", "status", "read", "written", "quarantined", "dropped",
              "superseded", "seconds", "note"]
    rows = [[r.layer, r.dataset, r.status, "-" if r.rows_read is None else str(r.rows_read),
             str(r.rows_written), str(r.rows_quarantined), str(r.rows_dropped),
             str(r.rows_superseded), f"{r.duration_s:.1f}", "; ".join(filter(None, [r.note, *r.warnings]))]
            for r in results]
    return render_table(rows, header)
