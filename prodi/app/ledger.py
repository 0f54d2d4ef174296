"""The rows of the run ledger (`prodi.io.run_ledger`): what ran, from which code and config, and
what each item did with its rows. Plain values only; every string masked with the run's vault."""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import prodi

if TYPE_CHECKING:
    from prodi.engine.results import DatasetResult
    from prodi.model.schema.app import AppConfig

Redact = Callable[[str], str]
ConfGet = Callable[[str], "str | None"]

# Where a Databricks task's ids come from: the task's environment (set them from the job's
# `{{job.id}}`, `{{job.run_id}}`, `{{task.run_id}}` dynamic values), else the tags Databricks
# puts in the Spark conf of a job run.
DATABRICKS_IDS = {
    "databricks_job_id": ("DATABRICKS_JOB_ID", "spark.databricks.job.id"),
    "databricks_run_id": ("DATABRICKS_JOB_RUN_ID", "spark.databricks.job.parentRunId"),
    "databricks_task_run_id": ("DATABRICKS_TASK_RUN_ID", "spark.databricks.job.runId"),
}


def config_sha256(tree: Mapping[str, Any]) -> str:
    """The composed config's hash, secrets still references; the log header shows its prefix."""
    body = json.dumps(tree, sort_keys=True, default=str).encode()
    return "sha256:" + hashlib.sha256(body).hexdigest()


@lru_cache(maxsize=1)
def build_id() -> str:
    """The code that runs: `git:<commit>` for a checkout, `wheel:sha256:<hash>` for a wheel."""
    try:
        dist = metadata.distribution("prodi")
        info = json.loads(dist.read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        info = {}
    url = urlparse(info.get("url", ""))
    path = Path(unquote(url.path)) if url.scheme == "file" else None
    if "archive_info" in info:
        hashes = info["archive_info"].get("hashes") or {}
        if "sha256" in hashes:
            return f"wheel:sha256:{hashes['sha256']}"
        if path is not None and path.is_file():
            return f"wheel:sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}"
        return f"wheel:{info.get('url', '?')}"
    checkout = path if path is not None and path.is_dir() else Path(prodi.__file__).parents[1]
    try:
        commit = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"source:{checkout}"
    return f"git:{commit}"


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def databricks_ids(environ: Mapping[str, str], conf_get: ConfGet) -> dict[str, str | None]:
    """The Databricks job, job run and task run ids of this run; None off Databricks."""
    return {column: environ.get(env) or conf_get(conf) for column, (env, conf)
            in DATABRICKS_IDS.items()}


def command_line(args: Sequence[str]) -> str:
    return " ".join(shlex.quote(a) for a in ["prodi", "run-layer", *args])


def run_row(*, run_id: str, kind: str, status: str, started_at: datetime, ended_at: datetime,
            redact: Redact, parent_id: str | None = None, app: AppConfig | None = None,
            tree: Mapping[str, Any] | None = None, command: str = "",
            overrides: Iterable[str] = (), error: str | None = None,
            facts: Mapping[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    """One `_prodi/runs` row. `facts`: versions and Databricks ids (`run_facts`); `more`: columns
    a parent sets itself (layer, run_date of many jobs)."""
    row: dict[str, Any] = {
        "run_id": run_id, "parent_id": parent_id, "kind": kind, "status": status,
        "layer": app.layer.name if app else None, "cloud": app.cloud.name if app else None,
        "env": app.env.name if app else None, "pipeline": app.pipeline.name if app else None,
        "run_date": (app.run.date or "all") if app else None,
        "command": command, "overrides": list(overrides),
        "started_at": started_at, "ended_at": ended_at,
        "duration_s": round((ended_at - started_at).total_seconds(), 3),
        "prodi_version": prodi.__version__, "build": build_id(),
        "config_sha256": config_sha256(tree) if tree is not None else None,
        "spark_version": None, "delta_version": package_version("delta-spark"), "error": error,
        **dict.fromkeys(DATABRICKS_IDS),
    }
    row.update(facts or {})
    row.update(more)
    return masked(row, redact)


def dataset_rows(run_id: str, results: Sequence[DatasetResult], redact: Redact,
                 run_date: str | None = None, failed: tuple[str, str, str] | None = None,
                 failed_at: datetime | None = None) -> list[dict[str, Any]]:
    """One `_prodi/dataset_runs` row per item result, and one for the item the run failed in
    (`failed`: layer, dataset, target), whose counts are unknown."""
    rows = []
    for r in results:
        rules = {**r.warned_rules, **r.failed_rules, **r.quarantined_rules}
        actions = {**dict.fromkeys(r.warned_rules, "warn"), **dict.fromkeys(r.failed_rules, "drop"),
                   **dict.fromkeys(r.quarantined_rules, "quarantine")}
        rows.append({
            "run_id": run_id, "layer": r.layer, "dataset": r.dataset, "target": r.target,
            "status": r.status, "note": "; ".join(filter(None, [r.note, *r.warnings])),
            "run_date": run_date, "rows_read": r.rows_read, "rows_written": r.rows_written,
            "rows_quarantined": r.rows_quarantined, "rows_dropped": r.rows_dropped,
            "rows_superseded": r.rows_superseded, "version_written": r.version_written,
            "failed_rules": rules, "rule_actions": actions, "started_at": r.started_at,
            "duration_s": round(r.duration_s, 3)})
    if failed is not None:
        layer, dataset, target = failed
        rows.append({"run_id": run_id, "layer": layer, "dataset": dataset, "target": target,
                     "status": "failed", "note": "the run failed in this item",
                     "run_date": run_date, "rows_read": None, "rows_written": None,
                     "rows_quarantined": None, "rows_dropped": None, "rows_superseded": None,
                     "version_written": None, "failed_rules": {}, "rule_actions": {},
                     "started_at": failed_at, "duration_s": None})
    return [masked(r, redact) for r in rows]


def masked(value: Any, redact: Redact) -> Any:
    """`value` with every string in it (keys too) masked."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {masked(k, redact): masked(v, redact) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(v, redact) for v in value]
    return value
