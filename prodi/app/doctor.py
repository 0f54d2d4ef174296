"""`prodi doctor layer=<layer> [overrides]`: is every Delta table of a layer whole?

Each dataset's (or mart's) table, its quarantine, its change log and its file ledger, where they
exist: readable, not half-created or corrupt, every listed data file on storage, its last commit
by prodi or not, and the files on storage its current version doesn't list (what VACUUM deletes
once past the retention). One line per table and a summary; exit 1 when any table is broken.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from prodi.app.failure import RUN_EXIT, describe_failure
from prodi.app.maintain_plan import plan_maintenance
from prodi.config.load import LoadedConfig
from prodi.io.table_audit import Audit, audit
from prodi.observability.tables import render_table

HEALTHY = 0


@dataclass(frozen=True)
class Checked:
    table: str  # e.g. silver.orders (quarantine)
    audit: Audit


def doctor_command(args: list[str], environ: Mapping[str, str] | None = None) -> int:
    """Check the tables of the layer(s) the overrides select; the exit code (0: all healthy)."""
    parser = argparse.ArgumentParser(prog="prodi doctor", add_help=False)
    parser.add_argument("--config-dir", "-cd")
    ns, overrides = parser.parse_known_args(args)
    try:
        from prodi.app.preflight import preflight

        checked = [c for loaded in preflight(overrides, ns.config_dir)
                   for c in check_layer(loaded, os.environ if environ is None else environ)]
    except Exception as exc:  # noqa: BLE001 - rendered as one paragraph with its exit code
        failure = describe_failure(exc)
        sys.stderr.write(f"prodi: error: {failure.message}\n")
        return failure.exit_code
    sys.stdout.write(render_report(checked) + "\n")
    return RUN_EXIT if any(c.audit.broken for c in checked) else HEALTHY


def layer_tables(loaded: LoadedConfig) -> list[tuple[str, str]]:
    """(name, location with secret references unresolved) of every table the layer writes."""
    from prodi.sources.landed_files import LandedFiles, ledger_location
    from prodi.stages.io import Read

    tables = [(task.table, task.location) for task in plan_maintenance(loaded).tasks]
    for plan in loaded.plans:
        if any(isinstance(s, Read) and isinstance(s.source, LandedFiles) for s in plan.stages):
            item = plan.item
            tables.append((f"{item.layer.name}.{item.name} (file ledger)", ledger_location(item)))
    return tables


def check_layer(loaded: LoadedConfig, environ: Mapping[str, str]) -> list[Checked]:
    """Audit each table of the layer on the run's session set-up (secrets resolved as a run's)."""
    from prodi.app.provenance import new_run_id
    from prodi.engine.session import open_session
    from prodi.observability.logging import configure_logging
    from prodi.runtime.platform import log_stream
    from prodi.secrets.vault import SecretVault

    app, vault = loaded.app, SecretVault()
    configure_logging(app.log.level, app.log.format, app.log.file, redact=vault.redact,
                      stream=log_stream(environ))
    session = open_session(app, app.run.id or new_run_id(), vault, environ,
                           app_name=f"prodi-doctor-{app.layer.name}")
    checked = []
    for name, location in layer_tables(loaded):
        resolved = session.secrets.resolve(location, "cloud.storage.root")
        try:
            checked.append(Checked(name, audit(session.spark, resolved)))
        except Exception as exc:  # noqa: BLE001 - one table that can't be checked is reported
            message = vault.redact(describe_failure(exc).message)
            checked.append(Checked(name, Audit(resolved, "unreadable", error=message)))
    return checked


def render_report(checked: list[Checked]) -> str:
    """One line per table, a summary, then what to do for each broken table."""
    rows = [[c.table, c.audit.state, "" if c.audit.version is None else str(c.audit.version),
             c.audit.last_commit, str(c.audit.unlisted_files) if c.audit.state == "ok" else "",
             c.audit.location] for c in checked]
    header = ["table", "state", "version", "last commit", "files outside version", "location"]
    broken = [c for c in checked if c.audit.broken]
    absent = sum(c.audit.state == "no table yet" for c in checked)
    lines = [render_table(rows, header), "",
             f"{len(checked)} table(s): {len(checked) - len(broken) - absent} healthy, {absent} not "
             f"created yet, {len(broken)} broken"]
    lines += [f"- {c.table}: {c.audit.error}" for c in broken]
    if any(c.audit.unlisted_files for c in checked):
        lines.append("Files outside a table's current version belong to older versions, or to "
                     "writes that never committed; `prodi maintain` (VACUUM) deletes those past "
                     "the retention.")
    return "\n".join(lines)
