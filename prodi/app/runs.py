"""`prodi runs` and `prodi runs show <id>`: the run ledger, read back."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodi.model.errors import ConfigError
from prodi.observability.tables import render_table

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from prodi.config.load import LoadedConfig
    from prodi.model.layout import TableSpace


@dataclass(frozen=True)
class LedgerAccess:
    loaded: LoadedConfig  # the config whose lakehouse holds the ledger (cloud, env)
    spark: SparkSession
    tables: TableSpace  # where the ledger is


def open_ledger(overrides: Sequence[str], config_dir: str | None = None) -> LedgerAccess:
    """The ledger of the lakehouse that `overrides` (cloud=, env=) select, on the run's session
    set-up. Any layer composes the same root, so the first layer stands in when none is given."""
    from prodi.app.preflight import preflight
    from prodi.app.provenance import new_run_id
    from prodi.app.recording import ledger_tables
    from prodi.config.layers import layer_catalog
    from prodi.engine.session import open_session
    from prodi.observability.logging import configure_logging
    from prodi.secrets.vault import SecretVault

    overrides = list(overrides)
    if not any(o.startswith("layer=") for o in overrides):
        first = layer_catalog([config_dir] if config_dir else []).names()[0]
        overrides.insert(0, f"layer={first}")
    (loaded,) = preflight(overrides, config_dir)
    app, vault = loaded.app, SecretVault()
    configure_logging("WARNING", app.log.format, redact=vault.redact)
    session = open_session(app, new_run_id(), vault, os.environ, app_name="prodi-runs")
    return LedgerAccess(loaded, session.spark, ledger_tables(loaded, session))


def list_runs(access: LedgerAccess, limit: int, as_json: bool) -> str:
    from prodi.io import run_ledger

    return render_runs(run_ledger.recent_runs(access.spark, access.tables, limit), as_json)


def show_run(access: LedgerAccess, run_id: str, as_json: bool) -> str:
    """The run with id `run_id` (or a unique prefix of it), its layer runs if it has any, and
    every dataset row of them."""
    from prodi.io import run_ledger

    rows = run_ledger.runs_by_id(access.spark, access.tables, run_id)
    run = pick_run(rows, run_id)
    children = [r for r in rows if r["parent_id"] == run["run_id"]]
    items = run_ledger.dataset_runs(access.spark, access.tables,
                                    [run["run_id"], *(c["run_id"] for c in children)])
    return render_run(run, children, items, as_json)


def pick_run(rows: list[dict[str, Any]], run_id: str) -> dict[str, Any]:
    matches = [r for r in rows if r["run_id"].startswith(run_id)]
    exact = [r for r in matches if r["run_id"] == run_id]
    if exact or len(matches) == 1:
        return (exact or matches)[0]
    got = (f"{len(matches)} runs start with it ({', '.join(r['run_id'] for r in matches[:5])})"
           if matches else "no run in the ledger has it")
    raise ConfigError("runs show <id>", "the id of one run (or a unique prefix)", got,
                      source="command line")


def render_runs(runs: list[dict[str, Any]], as_json: bool) -> str:
    if as_json:
        return json.dumps(runs, default=str, indent=1)
    if not runs:
        return "No runs in the ledger yet."
    header = ["run", "kind", "layer", "status", "run date", "started (UTC)", "seconds", "parent",
              "error"]
    rows = [[r["run_id"], r["kind"], r["layer"] or "", r["status"], r["run_date"] or "",
             _time(r["started_at"]), f"{r['duration_s'] or 0:.1f}", r["parent_id"] or "",
             (r["error"] or "")[:80]] for r in runs]
    return render_table(rows, header)


def render_run(run: dict[str, Any], children: list[dict[str, Any]], items: list[dict[str, Any]],
               as_json: bool) -> str:
    if as_json:
        return json.dumps({**run, "runs": children, "datasets": items}, default=str, indent=1)
    width = max(len(k) for k in run)
    lines = [f"{k.ljust(width)}  {_value(v)}" for k, v in run.items()]
    if children:
        lines += ["", "layer runs:", render_runs(children, False)]
    header = ["run", "layer", "dataset", "status", "read", "written", "quarantined", "dropped",
              "superseded", "version", "seconds", "failed rules"]
    rows = [[i["run_id"], i["layer"], i["dataset"], i["status"], *(_value(i[k]) for k in (
             "rows_read", "rows_written", "rows_quarantined", "rows_dropped", "rows_superseded",
             "version_written", "duration_s")),
             ", ".join(f"{k} ({(i['rule_actions'] or {}).get(k, '?')}): {v}"
                       for k, v in (i["failed_rules"] or {}).items())] for i in items]
    lines += ["", "datasets:", render_table(rows, header) if rows else "(none)"]
    return "\n".join(lines)


def _value(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, list):
        return " ".join(map(str, v))
    return _time(v) if hasattr(v, "strftime") else str(v)


def _time(v: Any) -> str:
    return v.strftime("%Y-%m-%d %H:%M:%S") if v is not None else ""
