"""`prodi maintain`: keep a layer's Delta tables healthy (properties, file layout, VACUUM).

The plan comes from the config alone (`maintain_plan`); a dry-run prints it and starts no JVM.
A run maintains each table on its own: one that fails is reported with its cause and the others
go on; a table that doesn't exist yet is skipped.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from loguru import logger

from prodi.app.failure import describe_failure
from prodi.app.maintain_plan import MaintenancePlan, TableTask, plan_maintenance, render_plan
from prodi.app.provenance import new_run_id
from prodi.config.load import LoadedConfig
from prodi.model.errors import ConfigError
from prodi.observability.logging import configure_logging
from prodi.observability.tables import render_table
from prodi.runtime.platform import log_stream
from prodi.secrets.vault import SecretVault

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass
class TableResult:
    table: str
    status: str = "done"  # done | skipped | failed
    actions: list[str] = field(default_factory=list)
    files_added: int = 0
    files_removed: int = 0  # by OPTIMIZE (compacted away; still on storage until a VACUUM)
    files_vacuumed: int = 0  # deleted from storage by VACUUM
    error: str = ""
    duration_s: float = 0.0


@dataclass
class MaintainOutcome:
    layer: str
    dry_run: bool
    results: list[TableResult] = field(default_factory=list)

    @property
    def failed(self) -> list[TableResult]:
        return [r for r in self.results if r.status == "failed"]


def maintain(loaded: LoadedConfig, plan: MaintenancePlan | None = None,
             environ: Mapping[str, str] | None = None, vault: SecretVault | None = None
             ) -> MaintainOutcome:
    """Maintain every table of the selected layer (or print the plan); ConfigErrors before any."""
    environ = os.environ if environ is None else environ
    app = loaded.app
    plan = plan if plan is not None else plan_maintenance(loaded)
    vault = vault if vault is not None else SecretVault()
    configure_logging(app.log.level, app.log.format, app.log.file, redact=vault.redact,
                      stream=log_stream(environ))
    outcome = MaintainOutcome(app.layer.name, loaded.dry_run.enabled)
    if loaded.dry_run.enabled:
        logger.info("DRY-RUN (because: {}): nothing is changed, no JVM is started",
                    loaded.dry_run.cause)
        sys.stdout.write(render_plan(plan, app.plan_format) + "\n")
        sys.stdout.flush()
        return outcome
    from prodi.engine.session import open_session

    run_id = app.run.id or new_run_id()
    session = open_session(app, run_id, vault, environ, app_name=f"prodi-maintain-{app.layer.name}")
    logger.info("maintain layer={} cloud={} env={}: {} table(s), VACUUM retention {} h", app.layer.name,
                app.cloud.name, app.env.name, len(plan.tasks), app.env.maintenance.vacuum_retention_hours)
    for task in plan.tasks:
        started = time.monotonic()
        try:
            location = session.secrets.resolve(task.location, "cloud.storage.root")
            result = maintain_table(session.spark, task, location)
        except Exception as exc:  # noqa: BLE001 - one table's failure doesn't stop the others
            result = TableResult(task.table, "failed", error=vault.redact(describe_failure(exc).message))
            logger.error("{}: failed: {}", task.table, result.error)
        result.duration_s = time.monotonic() - started
        outcome.results.append(result)
    logger.info("maintain layer={} done: {} done, {} skipped, {} failed\n{}", app.layer.name,
                sum(r.status == "done" for r in outcome.results),
                sum(r.status == "skipped" for r in outcome.results), len(outcome.failed),
                render_summary(outcome.results))
    return outcome


def maintain_table(spark: SparkSession, task: TableTask, location: str) -> TableResult:
    """Properties, clustering, OPTIMIZE and VACUUM on one table; skipped when there is none."""
    from prodi.io import maintenance, table_health

    result = TableResult(task.table)
    if table_health.check(spark, location).status == "half-created":  # corrupt: raises
        return TableResult(task.table, "skipped", ["half-created: its next write starts it fresh"])
    layout = maintenance.layout(spark, location)
    if layout is None:
        logger.info("{}: skipped, no Delta table at {} yet", task.table, location)
        return TableResult(task.table, "skipped", ["no table yet"])
    changed = {k: v for k, v in task.properties.items() if layout.properties.get(k) != v}
    if changed:
        maintenance.set_properties(spark, location, changed)
        result.actions.append("set " + ", ".join(f"{k}={v}" for k, v in changed.items()))
    if task.cluster_by:
        _check_clusterable(task, layout.partition_columns)
        if layout.clustering_columns != task.cluster_by:
            maintenance.cluster_by(spark, location, task.cluster_by)
            result.actions.append(f"CLUSTER BY {', '.join(task.cluster_by)}")
    elif task.zorder_by and layout.clustering_columns:
        raise ConfigError(f"{task.settings}.zorder_by", "a table without liquid clustering (Delta "
                          "can't Z-order a clustered table): use cluster_by, or run ALTER TABLE "
                          "... CLUSTER BY NONE first", "a table clustered by "
                          f"{', '.join(layout.clustering_columns)}", source=task.source)
    files = maintenance.optimize(spark, location, task.zorder_by)
    result.files_added, result.files_removed = files.added, files.removed
    how = f" ZORDER BY {', '.join(task.zorder_by)}" if task.zorder_by else \
        " (clustering)" if task.cluster_by or layout.clustering_columns else ""
    result.actions.append(f"OPTIMIZE{how}")
    result.files_vacuumed = maintenance.vacuum(spark, location, task.retention_hours,
                                               task.force_retention)
    result.actions.append(f"VACUUM {task.retention_hours} h")
    logger.info("{}: {}; files +{} -{} by OPTIMIZE, {} deleted by VACUUM", task.table,
                "; ".join(result.actions), result.files_added, result.files_removed,
                result.files_vacuumed)
    return result


def _check_clusterable(task: TableTask, partitions: tuple[str, ...]) -> None:
    if partitions:
        raise ConfigError(f"{task.settings}.cluster_by", "an unpartitioned table (Delta 3.3 "
                          "clusters only tables without partition columns), or zorder_by",
                          f"a table partitioned by {', '.join(partitions)}", source=task.source)


def render_summary(results: list[TableResult]) -> str:
    """One line per table: status, what was done, the files OPTIMIZE and VACUUM touched."""
    rows = [[r.table, r.status, "; ".join(r.actions) or r.error, str(r.files_added),
             str(r.files_removed), str(r.files_vacuumed), f"{r.duration_s:.1f}s"] for r in results]
    return render_table(rows, ["table", "status", "done", "files added", "files removed",
                               "files vacuumed", "time"])
