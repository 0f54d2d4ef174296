"""Dry-runs through the CLI, no JVM: their summaries say dry-run, their plans name missing
inputs, every sweep job's header reaches the log file, and nothing lands in the cwd or the
lakehouse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodi.cli.main import main


@pytest.fixture
def fresh(first_shell: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's first shell (conftest.py), every run forced to a dry-run."""
    monkeypatch.setenv("PRODI_FORCE_DRY_RUN", "1")
    return first_shell


def _rows(out: str, first: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines() if line.startswith(first)]


def test_a_dry_run_backfill_summarises_each_job_as_dry_run(fresh: Path, capsys) -> None:
    main(["backfill", "--layers", "raw,bronze", "--from", "2026-01-01", "--to", "2026-01-02"])
    out = capsys.readouterr().out
    assert [r[:5] for r in _rows(out, "2026-")] == [  # the seconds column left out
        [d, layer, "dry-run", "-", "-"] for layer in ("raw", "bronze")
        for d in ("2026-01-01", "2026-01-02")]
    assert "backfill done: 4 job(s) dry-run\n" in out


def test_a_dry_run_sweep_summarises_each_job_as_dry_run_and_logs_every_header(
        fresh: Path, capsys) -> None:
    log = fresh / "sweep.log"
    main(["run-layer", "-m", "layer=raw", "run.date=2026-01-01,2026-01-02", f"log.file={log}"])
    out = capsys.readouterr().out
    assert [r[:2] + r[-4:-1] for r in _rows(out, "layer=raw")] == [  # not the seconds
        ["layer=raw", f"run.date={d}", "dry-run", "-", "-"] for d in ("2026-01-01", "2026-01-02")]
    headers = [line.split(" | ", 3)[-1] for line in log.read_text().splitlines()
               if "| sweep [" in line]
    assert [h.split(":")[0] for h in headers] == [
        f"sweep [1/2] layer=raw run.date=2026-01-01 log.file={log}",
        f"sweep [2/2] layer=raw run.date=2026-01-02 log.file={log}"]


def test_a_dry_run_plan_names_missing_inputs_and_what_creates_them(fresh: Path, capsys) -> None:
    lh = fresh / "lh"
    main(["run-layer", "layer=silver", "datasets=[orders]", "plan_format=json"])
    out = capsys.readouterr().out
    plan = json.loads(out[out.index("{"):])
    assert plan["datasets"][0]["missing input"] == (
        f"silver/orders: the bronze table does not exist at {lh}/bronze/orders; run `prodi "
        "run-layer layer=bronze` first; the run fails here (run.allow_missing_upstream=true "
        "would skip it)")

    main(["run-layer", "layer=raw", "datasets=[orders]", "run.allow_missing_upstream=true"])
    assert (f"missing input: raw/orders: the landing folder does not exist at {lh}/landing/orders; "
            "deliver the files (orders_*.csv) there, or point the source's `path` (or "
            "PRODI_LAKEHOUSE / cloud.storage.landing) at where they are; the run skips this item "
            "(run.allow_missing_upstream=true)") in capsys.readouterr().out

    (lh / "bronze" / "orders" / "_delta_log").mkdir(parents=True)  # a table is there now
    (lh / "landing" / "orders").mkdir(parents=True)  # empty: nothing new, not missing
    main(["run-layer", "layer=silver", "datasets=[orders]"])
    main(["run-layer", "layer=raw", "datasets=[orders]"])
    assert "input:" not in capsys.readouterr().out  # neither missing nor not there yet

    # bronze has run, but holds nothing of customers yet: nothing new upstream, not missing
    main(["run-layer", "layer=silver", "datasets=[customers]"])
    out = capsys.readouterr().out
    assert "missing input" not in out
    assert (f"input: the bronze table has no rows of customers yet (its layer has run, but "
            f"nothing of this dataset was delivered so far?): {lh}/bronze/customers does not "
            "exist: the run skips this item") in out


def test_a_gold_plan_names_every_missing_table_of_a_mart(fresh: Path, capsys) -> None:
    lh = fresh / "lh"
    main(["run-layer", "layer=gold", "datasets=[revenue_by_category]"])
    out = capsys.readouterr().out
    assert (f"missing input: gold/revenue_by_category: the silver table does not exist at "
            f"{lh}/silver/orders, {lh}/silver/products; run `prodi run-layer layer=silver` first"
            "; the run fails here") in out


def test_allow_missing_upstream_must_be_a_boolean(fresh: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run-layer", "layer=silver", "run.allow_missing_upstream=sometimes"])
    assert exit_info.value.code == 2
    assert "run.allow_missing_upstream: expected bool, got 'sometimes'" in capsys.readouterr().err


def test_dry_runs_write_nothing_to_the_cwd_or_the_lakehouse(fresh: Path, capsys) -> None:
    main(["run-layer", "layer=raw"])
    main(["run-layer", "-m", "layer=raw,bronze"])
    main(["run-layer", "layer=raw", "cloud=azure"])  # a remote root: its record stays local too
    assert list(Path.cwd().iterdir()) == []
    assert not (fresh / "lh").exists()
    records = fresh / "cache" / "prodi" / "hydra"
    assert list(records.glob("*/*/.hydra/config.yaml"))  # the single runs' (one a second)
    assert len(list(records.glob("*/*/multirun.yaml"))) == 1
    assert len(list(records.glob("*/*/[01]/.hydra/config.yaml"))) == 2


def test_prodi_hydra_dir_and_a_hydra_run_dir_override_still_decide(fresh: Path, monkeypatch,
                                                                  capsys) -> None:
    monkeypatch.setenv("PRODI_HYDRA_DIR", str(fresh / "mine"))
    main(["run-layer", "layer=raw"])
    assert len(list((fresh / "mine").glob("*/*/.hydra/config.yaml"))) == 1
    main(["run-layer", "layer=raw", f"hydra.run.dir={fresh / 'exact'}"])
    assert (fresh / "exact" / ".hydra" / "config.yaml").is_file()
    main(["run-layer", "-m", "layer=raw", f"hydra.sweep.dir={fresh / 'sweep'}"])
    assert (fresh / "sweep" / "multirun.yaml").is_file()
    assert (fresh / "sweep" / "0" / ".hydra" / "config.yaml").is_file()
    assert list(Path.cwd().iterdir()) == []
