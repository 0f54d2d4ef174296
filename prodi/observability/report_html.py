"""`prodi report` as one self-contained HTML page: inline CSS and SVG, no script, no fetches.

Every value is escaped; numbers sit in cells with a `data-col` naming their column, so a reader
(or a test) can pick them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

TERMS = ("rows_written", "rows_quarantined", "rows_dropped", "rows_superseded")
TERM_COLOURS = {"rows_written": "#4c9a5b", "rows_quarantined": "#e39b35",
                "rows_dropped": "#c8503c", "rows_superseded": "#9aa4ad"}

CSS = """
body{font:14px/1.4 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.meta,.note{color:#666;font-size:12px} table{border-collapse:collapse;margin:4px 0}
th,td{padding:3px 9px;border-bottom:1px solid #eee;text-align:left;vertical-align:middle}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#2e7d32;font-weight:600} .failed{color:#c62828;font-weight:600} .other{color:#8a6d00}
.legend span{display:inline-block;margin-right:12px} .legend i{display:inline-block;width:10px;
height:10px;margin-right:4px} .lineage svg{max-width:100%;height:auto} code{font-size:12px}
"""


@dataclass(frozen=True)
class RuleTrend:
    """A rule's failing rows in each of the last runs of its dataset (None: not run then)."""

    layer: str
    dataset: str
    rule: str
    action: str
    counts: Sequence[tuple[str, int | None]]  # (run id, failing rows), oldest first


@dataclass
class Report:
    generated_at: str
    root: str
    runs_considered: int
    latest: list[dict[str, Any]] = field(default_factory=list)  # the newest run of each layer
    flows: list[dict[str, Any]] = field(default_factory=list)  # per dataset: its row flow
    rules: list[RuleTrend] = field(default_factory=list)
    freshness: list[dict[str, Any]] = field(default_factory=list)
    lineage_svg: str = ""


def render(report: Report) -> str:
    body = [
        f"<h1>prodi report</h1><p class=meta>{escape(report.root)} · generated "
        f"{escape(report.generated_at)} · the last {report.runs_considered} layer run(s)</p>",
        "<h2>Latest run of each layer</h2>", _latest(report.latest),
        "<h2>Row flow per dataset</h2>", _flows(report.flows),
        "<h2>Data-quality failures per rule</h2>", _rules(report.rules),
        "<h2>Freshness</h2>", _freshness(report.freshness),
        "<h2>Lineage</h2>", f"<div class=lineage id=lineage>{report.lineage_svg}</div>",
    ]
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>prodi report</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _table(table_id: str, header: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f"<p class=note id={table_id}>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    cells = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return f"<table id={table_id}><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"


def _td(col: str, value: Any, number: bool = False) -> str:
    text = "–" if value is None else (f"{value:.1f}" if isinstance(value, float) else str(value))
    cls = " class=n" if number else ""
    return f"<td data-col={col}{cls}>{escape(text)}</td>"


def _status(value: str | None) -> str:
    cls = value if value in ("ok", "failed") else "other"
    return f"<td data-col=status class={cls}>{escape(value or '–')}</td>"


def _latest(rows: list[dict[str, Any]]) -> str:
    body = [[_td("layer", r["layer"]), _status(r["status"]), _td("run_date", r["run_date"]),
             _td("started_at", _time(r["started_at"])),
             _td("duration_s", r["duration_s"], True), _td("run_id", r["run_id"]),
             _td("error", r.get("error"))] for r in rows]
    return _table("latest", ["layer", "status", "run date", "started (UTC)", "seconds", "run",
                             "error"], body, "No layer run in the ledger yet.")


def _flows(rows: list[dict[str, Any]]) -> str:
    legend = "<p class=legend>" + "".join(
        f"<span><i style='background:{TERM_COLOURS[t]}'></i>{t[5:]}</span>" for t in TERMS) + "</p>"
    body = [[_td("layer", r["layer"]), _td("dataset", r["dataset"]), _status(r["status"]),
             _td("rows_read", r["rows_read"], True),
             *(_td(t, r[t], True) for t in TERMS),
             _td("version_written", r["version_written"], True), f"<td>{_flow_bar(r)}</td>",
             _td("run_id", r["run_id"])] for r in rows]
    return legend + _table("flow", ["layer", "dataset", "status", "read", "written",
                                    "quarantined", "dropped", "superseded", "version", "",
                                    "run"], body, "No dataset run in the ledger yet.")


def _flow_bar(row: dict[str, Any], width: int = 160) -> str:
    """One bar split into the conservation terms, in proportion."""
    values = [(t, row.get(t) or 0) for t in TERMS]
    total = sum(v for _, v in values)
    if not total:
        return ""
    x, rects = 0.0, []
    for term, value in values:
        w = width * value / total
        if w:
            rects.append(f"<rect x='{x:.1f}' y='0' width='{w:.1f}' height='12' "
                         f"fill='{TERM_COLOURS[term]}'><title>{term[5:]}: {value}</title></rect>")
        x += w
    return f"<svg width='{width}' height='12' role=img>{''.join(rects)}</svg>"


def _rules(trends: list[RuleTrend]) -> str:
    body = [[_td("layer", t.layer), _td("dataset", t.dataset), _td("rule", t.rule),
             _td("action", t.action),
             _td("total", sum(c or 0 for _, c in t.counts), True),
             _td("latest", t.counts[-1][1] if t.counts else None, True),
             f"<td>{bar_chart(t.counts)}</td>"] for t in trends]
    return _table("rules", ["layer", "dataset", "rule", "action", "failing rows", "latest run",
                            "per run, oldest first"], body,
                  "No rule failed a row in these runs.")


def bar_chart(counts: Sequence[tuple[str, int | None]], height: int = 28, bar: int = 9) -> str:
    """A small bar per run, scaled to the largest; a dot where the dataset didn't run."""
    top = max((c or 0 for _, c in counts), default=0) or 1
    parts = []
    for i, (run_id, count) in enumerate(counts):
        x = i * (bar + 3)
        if count is None:
            parts.append(f"<circle cx='{x + bar / 2}' cy='{height - 2}' r='1.5' fill='#bbb'>"
                         f"<title>{escape(run_id)}: not run</title></circle>")
            continue
        h = max(1.0, height * count / top) if count else 1.0
        fill = "#c8503c" if count else "#d7dde2"
        parts.append(f"<rect x='{x}' y='{height - h:.1f}' width='{bar}' height='{h:.1f}' "
                     f"fill='{fill}' data-count='{count}'><title>{escape(run_id)}: {count}"
                     "</title></rect>")
    width = max(1, len(counts) * (bar + 3))
    return f"<svg width='{width}' height='{height}' role=img>{''.join(parts)}</svg>"


def _freshness(rows: list[dict[str, Any]]) -> str:
    body = [[_td("layer", r["layer"]), _td("dataset", r["dataset"]),
             _td("run_date", r["run_date"]), _td("ended_at", _time(r["ended_at"])),
             _td("run_id", r["run_id"])] for r in rows]
    return _table("freshness", ["layer", "dataset", "last successful run's date",
                                "finished (UTC)", "run"], body,
                  "No successful dataset run in the ledger yet.")


def _time(value: Any) -> str | None:
    if value is None:
        return None
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else str(value)
