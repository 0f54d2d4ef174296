"""The dry-run plan: what a run would read and write, how, with which rules and SQL."""

from __future__ import annotations

import json
from typing import Any

from prodi.config.load import LoadedConfig
from prodi.engine.session import spark_conf


def build_plan(loaded: LoadedConfig, run_id: str) -> dict[str, Any]:
    """A JSON-ready description of the run, from each planned stage's own description: no JVM,
    no secrets fetched, nothing written."""
    app = loaded.app
    return {
        "run_id": run_id, "layer": app.layer.name, "cloud": app.cloud.name, "env": app.env.name,
        "pipeline": app.pipeline.name, "run_date": app.run.date,
        "dry_run_cause": loaded.dry_run.cause, "datasets": [p.describe() for p in loaded.plans],
        "spark_conf": spark_conf(app),
        "spark": f"Spark Connect at {app.spark.remote}" if app.spark.remote
        else f"master {app.spark.master}",
    }


def render_plan(plan: dict[str, Any], fmt: str) -> str:
    """The plan as JSON or as text for people."""
    if fmt == "json":
        return json.dumps(plan, indent=2, sort_keys=False)
    lines = [f"DRY-RUN plan: layer={plan['layer']} cloud={plan['cloud']} env={plan['env']} "
             f"pipeline={plan['pipeline']} run_date={plan['run_date'] or 'all'}",
             f"  dry-run because: {plan['dry_run_cause']}", f"  spark: {plan['spark']}"]
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
