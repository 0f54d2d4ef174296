"""What a layer run did per item, and its rendering as a summary table."""

from __future__ import annotations

from dataclasses import dataclass, field

from prodi.observability.tables import render_table


@dataclass
class DatasetResult:
    layer: str
    dataset: str
    target: str
    rows_read: int | None = 0  # None: not counted (marts read whole tables through SQL)
    rows_written: int = 0
    rows_dropped: int = 0
    duplicates_removed: int = 0
    failed_rules: dict[str, int] = field(default_factory=dict)  # dropped rows per rule
    warned_rules: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[dict]] = field(default_factory=dict)  # failing rows per rule
    duration_s: float = 0.0
    status: str = "ok"
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def render_results(results: list[DatasetResult]) -> str:
    header = ["layer", "dataset", "status", "read", "written", "dropped", "dupes", "seconds"]
    rows = [[r.layer, r.dataset, r.status, "-" if r.rows_read is None else str(r.rows_read),
             str(r.rows_written), str(r.rows_dropped), str(r.duplicates_removed),
             f"{r.duration_s:.1f}"] for r in results]
    return render_table(rows, header)
