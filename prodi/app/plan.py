"""The dry-run plan: what a run would read and write, how, with which rules and SQL."""

from __future__ import annotations

import json
from typing import Any

from prodi.config.load import LoadedConfig
from prodi.config.paths import absolute_storage, table_location
from prodi.config.validate import layer_domain


def build_plan(loaded: LoadedConfig, run_id: str) -> dict[str, Any]:
    """A JSON-ready description of the run; no JVM, no secrets fetched, nothing written."""
    app = loaded.app
    layer = app.layer.name

    def location(lyr: str, name: str) -> str:
        return table_location(app.cloud.storage.root, lyr, app.env.table_prefix, name)

    items = []
    for name in layer_domain(app):
        if layer == "gold":
            mart = app.pipeline.marts[name]
            items.append({"dataset": name, "reads": "silver views (" + ", ".join(
                n for n, d in app.pipeline.datasets.items() if d.silver) + ")",
                "writes": location("gold", name), "mode": "overwrite", "sql": mart.sql.strip(),
                "partition_by": list(mart.partition_by)})
            continue
        ds = app.pipeline.datasets[name]
        scope = f"_landed_date = '{app.run.date}'" if app.run.date else "all dates"
        if layer == "raw":
            assert ds.raw is not None
            src = ds.raw.source
            items.append({"dataset": name, "reads": f"{absolute_storage(src.path)}/{src.glob} "
                          f"({src.format}, files not yet ingested; {scope})",
                          "writes": location("raw", name), "mode": "append new files",
                          "partition_by": ["_landed_date"]})
        elif layer == "bronze":
            assert ds.bronze is not None
            items.append({"dataset": name, "reads": location("raw", name),
                          "writes": location("bronze", name),
                          "mode": "overwrite" if not app.run.date else f"replace where {scope}",
                          "schema": {c.name: c.type for c in ds.bronze.columns},
                          "expectations": _rules(ds.bronze.expectations),
                          "partition_by": ["_landed_date"]})
        else:
            assert ds.silver is not None
            s = ds.silver
            items.append({"dataset": name, "reads": f"{location('bronze', name)} ({scope})",
                          "writes": location("silver", name), "mode": "merge",
                          "keys": list(s.keys), "sequence_by": s.sequence_by,
                          "steps": [step.type for step in s.steps],
                          "expectations": _rules(s.expectations),
                          "partition_by": list(s.partition_by)})
    return {
        "run_id": run_id, "layer": layer, "cloud": app.cloud.name, "env": app.env.name,
        "pipeline": app.pipeline.name, "run_date": app.run.date,
        "dry_run_cause": loaded.dry_run.cause, "datasets": items,
        "spark_conf": {**app.cloud.spark_conf, **app.env.spark_conf, **app.spark.conf},
    }


def _rules(rules: tuple) -> list[dict[str, str]]:
    return [{"name": r.name, "expr": r.expr, "action": r.action} for r in rules]


def render_plan(plan: dict[str, Any], fmt: str) -> str:
    """The plan as JSON or as text for people."""
    if fmt == "json":
        return json.dumps(plan, indent=2, sort_keys=False)
    lines = [f"DRY-RUN plan: layer={plan['layer']} cloud={plan['cloud']} env={plan['env']} "
             f"pipeline={plan['pipeline']} run_date={plan['run_date'] or 'all'}",
             f"  dry-run because: {plan['dry_run_cause']}"]
    for item in plan["datasets"]:
        lines.append(f"  - {item['dataset']}")
        for key, value in item.items():
            if key == "dataset":
                continue
            if key == "sql":
                lines.append("      sql: |")
                lines += [f"        {line}" for line in str(value).splitlines()]
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                lines.append(f"      {key}:")
                lines += [f"        {r['name']} [{r['action']}]: {r['expr']}" for r in value]
            else:
                lines.append(f"      {key}: {value}")
    if not plan["datasets"]:
        lines.append("  (no datasets in this layer)")
    return "\n".join(lines)
