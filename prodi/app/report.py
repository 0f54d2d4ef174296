"""`prodi report`: the ledger's last runs and the config's lineage, as one HTML file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prodi.app.lineage import Graph, lineage
from prodi.app.runs import LedgerAccess
from prodi.observability.report_html import Report, RuleTrend, render


def write_report(access: LedgerAccess, output: Path, runs: int) -> Path:
    """Read the last `runs` layer runs from the ledger and write the report to `output`."""
    from prodi.io import run_ledger
    from prodi.observability.lineage_svg import lineage_svg

    layer_runs = run_ledger.recent_runs(access.spark, access.tables, runs, kinds=("layer",))
    items = run_ledger.dataset_runs(access.spark, access.tables, [r["run_id"] for r in layer_runs])
    loaded = access.loaded
    graph = lineage(loaded.app, loaded.catalog)
    svg = lineage_svg([(n.id, n.label, n.group) for n in graph.nodes.values()], graph.edges,
                      ["source", *loaded.catalog.names()])
    report = build_report(layer_runs, items, graph, access.tables.schema or access.tables.root, svg)
    output.write_text(render(report), encoding="utf-8")
    return output


def build_report(runs: Sequence[dict[str, Any]], items: Sequence[dict[str, Any]], graph: Graph,
                 root: str, svg: str = "") -> Report:
    """The report's numbers: `runs` are layer runs, newest first; `items` their dataset rows."""
    by_run = {r["run_id"]: r for r in runs}
    order = {r["run_id"]: i for i, r in enumerate(runs)}  # 0: newest
    items = sorted((i for i in items if i["run_id"] in by_run), key=lambda i: order[i["run_id"]])
    latest = list({r["layer"]: r for r in reversed(runs)}.values())
    latest.sort(key=lambda r: _position(graph, r["layer"]))
    datasets = [(n.group, n.label) for n in graph.nodes.values() if n.group != "source"]
    known = set(datasets)
    datasets += sorted({(i["layer"], i["dataset"]) for i in items} - known)  # since removed
    return Report(
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"), root=root,
        runs_considered=len(runs), latest=latest, flows=_flows(items, datasets),
        rules=_trends(runs, items), freshness=_freshness(items, by_run, datasets),
        lineage_svg=svg)


def _flows(items: list[dict[str, Any]], datasets: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Per dataset, its newest run that moved rows (else its newest run)."""
    flows = []
    for layer, name in datasets:
        mine = [i for i in items if (i["layer"], i["dataset"]) == (layer, name)]
        moved = [i for i in mine if i["rows_read"] or i["rows_written"]]
        if moved or mine:
            flows.append((moved or mine)[0])
    return flows


def _trends(runs: Sequence[dict[str, Any]], items: list[dict[str, Any]]) -> list[RuleTrend]:
    """Each rule that failed a row: its count in every run of its layer, oldest first (None
    where its dataset did not run)."""
    rules: dict[tuple[str, str, str], str] = {}
    for i in items:
        for rule in (i["failed_rules"] or {}):
            rules.setdefault((i["layer"], i["dataset"], rule),
                             (i["rule_actions"] or {}).get(rule, "?"))
    trends = []
    for (layer, dataset, rule), action in sorted(rules.items()):
        counts: list[tuple[str, int | None]] = []
        for run in reversed(runs):
            if run["layer"] != layer:
                continue
            row = next((i for i in items if i["run_id"] == run["run_id"]
                        and i["dataset"] == dataset), None)
            counts.append((run["run_id"], None if row is None or row["status"] == "failed"
                           else (row["failed_rules"] or {}).get(rule, 0)))
        trends.append(RuleTrend(layer, dataset, rule, action, counts))
    return trends


def _freshness(items: list[dict[str, Any]], by_run: dict[str, dict[str, Any]],
               datasets: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Per dataset, its newest successful run: that run's date and when it finished."""
    rows = []
    for layer, name in datasets:
        ok = next((i for i in items if (i["layer"], i["dataset"]) == (layer, name)
                   and i["status"] == "ok"), None)
        run = by_run[ok["run_id"]] if ok else {}
        rows.append({"layer": layer, "dataset": name, "run_date": run.get("run_date"),
                     "ended_at": run.get("ended_at"), "run_id": run.get("run_id")})
    return rows


def _position(graph: Graph, layer: str) -> int:
    groups = list(dict.fromkeys(n.group for n in graph.nodes.values()))
    return groups.index(layer) if layer in groups else len(groups)
