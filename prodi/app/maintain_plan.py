"""What `prodi maintain` does to each table of a layer, decided from the config alone (no JVM).

Every table of the layer (each dataset's, or each mart) gets its `maintenance` settings: table
properties, liquid clustering or Z-order, then OPTIMIZE and VACUUM; the quarantine table beside
it gets OPTIMIZE and VACUUM. Settings that can't work are config errors with their key paths.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from prodi.config.load import LoadedConfig
from prodi.io.maintenance import (
    RETENTION_CHECK_CONF,
    cluster_by_sql,
    optimize_sql,
    set_properties_sql,
    vacuum_sql,
)
from prodi.model.schema.pipeline import MaintenanceSpec, MartSpec
from prodi.sinks.keyed import change_log_location
from prodi.sinks.quarantine import quarantine_location
from prodi.stages.io import Write
from prodi.stages.plan import ItemPlan

FORCE_KEY = "env.maintenance.force_retention"


@dataclass(frozen=True)
class TableTask:
    """One table's maintenance: what to set, how to lay out its files, how long to keep them."""

    table: str  # e.g. silver.orders, or silver.orders (quarantine)
    location: str  # secret references not yet resolved
    settings: str  # the key path of its `maintenance` settings
    source: str  # the file (or override) those settings come from
    retention_hours: int
    force_retention: bool
    zorder_by: tuple[str, ...] = ()
    cluster_by: tuple[str, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)

    def statements(self, location: str | None = None) -> list[str]:
        """The SQL it runs, in order (on `location`, default: the unresolved one)."""
        where = location or self.location
        sql = [set_properties_sql(where, self.properties)] if self.properties else []
        if self.cluster_by:
            sql.append(cluster_by_sql(where, self.cluster_by))
        return [*sql, optimize_sql(where, self.zorder_by), vacuum_sql(where, self.retention_hours)]

    def describe(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"table": self.table, "location": self.location,
                                 "settings": self.settings, "sql": self.statements()}
        if self.force_retention:
            entry["vacuum_conf"] = {RETENTION_CHECK_CONF: "false"}
        return entry


@dataclass(frozen=True)
class MaintenancePlan:
    layer: str
    cloud: str
    env: str
    pipeline: str
    dry_run_cause: str
    tasks: tuple[TableTask, ...]

    def describe(self) -> dict[str, Any]:
        """The JSON-ready dry-run plan."""
        return {"command": "maintain", "layer": self.layer, "cloud": self.cloud, "env": self.env,
                "pipeline": self.pipeline, "dry_run_cause": self.dry_run_cause,
                "missing_tables": "skipped", "tables": [t.describe() for t in self.tasks]}


def plan_maintenance(loaded: LoadedConfig) -> MaintenancePlan:
    """The tasks of the selected layer's tables; raises ConfigErrors naming every bad setting."""
    app = loaded.app
    # The settings were checked with the plan (the write stage), the retention with the env.
    tasks = [task for plan in loaded.plans for task in _tasks_of(loaded, plan)]
    return MaintenancePlan(app.layer.name, app.cloud.name, app.env.name, app.pipeline.name,
                           loaded.dry_run.cause, tuple(tasks))


def _tasks_of(loaded: LoadedConfig, plan: ItemPlan) -> list[TableTask]:
    item, env = plan.item, loaded.app.env.maintenance
    spec: MaintenanceSpec = item.section.maintenance
    settings = f"{item.path}.maintenance"
    name = f"{item.layer.name}.{item.name}"
    common = {"settings": settings, "source": loaded.origins.of(settings),
              "retention_hours": env.vacuum_retention_hours, "force_retention": env.force_retention}
    own = TableTask(name, item.target, zorder_by=spec.zorder_by, cluster_by=spec.cluster_by,
                    properties=dict(spec.properties), **common)
    if isinstance(item.section, MartSpec):  # marts have no quarantine
        return [own]
    tasks = [own, TableTask(f"{name} (quarantine)", quarantine_location(item), **common)]
    if any(isinstance(s, Write) and s.sink is not None and s.sink.keeps_versions()
           for s in plan.stages):
        tasks.append(TableTask(f"{name} (change log)", change_log_location(item), **common))
    return tasks


def render_plan(plan: MaintenancePlan, fmt: str) -> str:
    """The plan as JSON, or as text for people."""
    described = plan.describe()
    if fmt == "json":
        return json.dumps(described, indent=2)
    lines = [f"DRY-RUN maintenance plan: layer={plan.layer} cloud={plan.cloud} env={plan.env} "
             f"pipeline={plan.pipeline}", f"  dry-run because: {plan.dry_run_cause}",
             "  a table that does not exist yet is skipped"]
    for task in described["tables"]:
        lines.append(f"  - {task['table']}  (settings: {task['settings']})")
        lines += [f"      {sql}" for sql in task["sql"]]
        for key, value in task.get("vacuum_conf", {}).items():
            lines.append(f"      (VACUUM with {key}={value}: {FORCE_KEY} is true)")
    if not plan.tasks:
        lines.append("  (no tables in this layer)")
    return "\n".join(lines)
