"""Ledger rows without Spark: every column the tables declare, secrets masked, rules by action."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta, timezone

from prodi.app import ledger
from prodi.engine.results import DatasetResult
from prodi.io.run_ledger import DATASET_RUNS_SCHEMA, RUNS_SCHEMA
from prodi.secrets.vault import SecretVault
from tests.conftest import REPO

SECRET = "s3cr3t+value/=="


def _columns(ddl: str) -> set[str]:
    """The top-level column names of a DDL schema (commas inside <...> don't split)."""
    depth, names, current = 0, [], ""
    for ch in ddl + ",":
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "," and depth == 0:
            names.append(current.split()[0])
            current = ""
        else:
            current += ch
    return set(names)


def _vault() -> SecretVault:
    vault = SecretVault()
    vault.add(SECRET)
    return vault


def test_a_run_row_fills_every_column_and_masks_every_string():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    row = ledger.run_row(run_id="r1", kind="layer", status="failed", started_at=start,
                         ended_at=start + timedelta(seconds=2.5), redact=_vault().redact,
                         tree={"a": "<<secrets/x/y>>"}, command=f"prodi run-layer p={SECRET}",
                         overrides=[f"+x={SECRET}"], error=f"bad value {SECRET} in conf",
                         facts={"spark_version": "3.5.7", "databricks_job_id": "42"})
    assert set(row) == _columns(RUNS_SCHEMA)
    assert SECRET not in repr(row) and row["error"] == "bad value *** in conf"
    assert row["overrides"] == ["+x=***"] and row["duration_s"] == 2.5
    assert row["databricks_job_id"] == "42" and row["prodi_version"]
    assert row["config_sha256"] == ledger.config_sha256({"a": "<<secrets/x/y>>"})
    assert row["config_sha256"] != ledger.config_sha256({"a": "<<secrets/x/z>>"})


def test_dataset_rows_keep_each_rule_with_its_action_and_the_item_a_run_failed_in():
    result = DatasetResult("silver", "orders", f"/lake/{SECRET}/silver/orders", rows_read=10,
                           rows_written=6, rows_quarantined=3, rows_dropped=1,
                           failed_rules={"positive": 1}, quarantined_rules={"known": 3},
                           warned_rules={"email": 2}, version_written=7, note="n")
    ok, failed = ledger.dataset_rows("r1", [result], _vault().redact, "2026-01-02",
                                     failed=("silver", "customers", "/lake/silver/customers"))
    assert set(ok) == set(failed) == _columns(DATASET_RUNS_SCHEMA)
    assert ok["failed_rules"] == {"positive": 1, "known": 3, "email": 2}
    assert ok["rule_actions"] == {"positive": "drop", "known": "quarantine", "email": "warn"}
    assert (ok["rows_read"], ok["version_written"], ok["run_date"]) == (10, 7, "2026-01-02")
    assert ok["target"] == "/lake/***/silver/orders"
    assert (failed["dataset"], failed["status"], failed["rows_read"]) == ("customers", "failed", None)


def test_the_build_is_this_checkouts_commit():
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    ledger.build_id.cache_clear()  # computed once per process, at the first run
    assert ledger.build_id() == f"git:{head}"


def test_databricks_ids_come_from_the_environment_then_spark_conf_tags():
    conf = {"spark.databricks.job.id": "conf-job", "spark.databricks.job.runId": "conf-task"}
    ids = ledger.databricks_ids({"DATABRICKS_JOB_ID": "env-job"}, conf.get)
    assert ids == {"databricks_job_id": "env-job", "databricks_run_id": None,
                   "databricks_task_run_id": "conf-task"}
    assert ledger.databricks_ids({}, lambda key: None) == dict.fromkeys(ids)


def test_command_line_quotes_what_the_shell_would():
    assert re.fullmatch(r"prodi run-layer layer=raw '\+x=<<secrets/a/b>>'",
                        ledger.command_line(["layer=raw", "+x=<<secrets/a/b>>"]))
