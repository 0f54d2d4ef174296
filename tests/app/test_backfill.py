"""Date-range backfills: idempotent per partition, failures held back, a working resume command."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from prodi.cli.main import main
from tests.conftest import generate_demo_data

pytestmark = [pytest.mark.spark, pytest.mark.slow]
DATES = ("--from", "2026-01-03", "--to", "2026-01-04")  # customers land on the 4th


def snapshot(spark, lakehouse: Path, layers=("raw", "bronze", "silver")) -> dict:
    out = {}
    for layer in layers:
        for name in ("orders", "customers"):
            df = spark.read.format("delta").load(str(lakehouse / layer / name))
            cols = sorted(c for c in df.columns if not c.startswith("_") or c == "_landed_date")
            out[f"{layer}.{name}"] = sorted(map(tuple, df.select(*cols).collect()))
    return out


def commits(table: Path) -> list[list[dict]]:
    return [[json.loads(line) for line in p.read_text().splitlines()]
            for p in sorted((table / "_delta_log").glob("*.json"))]


def data_files(spark, table: Path) -> set[str]:
    return set(spark.read.format("delta").load(str(table)).inputFiles())


def commit_files(lakehouse: Path) -> list[Path]:
    """Every commit of every table but the run ledger's (which records every run)."""
    return sorted(p for p in lakehouse.glob("**/_delta_log/*.json") if "_prodi" not in p.parts)


def test_backfill_twice_is_identical_and_a_rerun_touches_only_its_partition(
        spark_session, isolated_run, capsys):
    lakehouse = isolated_run / "lakehouse"
    generate_demo_data(lakehouse / "landing")
    main(["backfill", "--layers", "raw,bronze,silver", *DATES])
    first = snapshot(spark_session, lakehouse)
    logs = commit_files(lakehouse)
    main(["backfill", "--layers", "raw,bronze,silver", *DATES])
    assert snapshot(spark_session, lakehouse) == first
    assert commit_files(lakehouse) == logs  # all up to date: no commit
    assert "backfill done: 6 job(s) ok" in capsys.readouterr().out

    bronze = lakehouse / "bronze" / "orders"
    others_before = {f for f in data_files(spark_session, bronze) if "2026-01-03" not in f}
    commits_before = commits(bronze)
    main(["run-layer", "layer=bronze", "run.date=2026-01-03"])
    assert len(commits(bronze)) == len(commits_before), "nothing new: nothing written"
    main(["run-layer", "layer=bronze", "run.date=2026-01-03", "run.full_refresh=true"])
    last = commits(bronze)[-1]
    touched = [a.get("add") or a.get("remove") for a in last if "add" in a or "remove" in a]
    assert touched, "the re-run committed no file changes"
    assert {t["partitionValues"]["_landed_date"] for t in touched} == {"2026-01-03"}
    others_after = {f for f in data_files(spark_session, bronze) if "2026-01-03" not in f}
    assert others_after == others_before
    assert snapshot(spark_session, lakehouse) == first


def test_failed_date_is_reported_held_back_and_resumable(spark_session, isolated_run, capsys):
    lakehouse = isolated_run / "lakehouse"
    landing = lakehouse / "landing"
    generate_demo_data(landing)
    bad = landing / "orders" / "orders_2026-01-03.csv"
    good_text = bad.read_text()
    bad.write_text(good_text + "O999,C0001,P001,2026-01-03,1.00,EUR,placed,2026-01-03T10:00:00,X\n")
    failfast = "+pipeline.datasets.orders.raw.source.options.mode=FAILFAST"
    with pytest.raises(SystemExit) as exit_info:
        main(["backfill", "--layers", "raw,bronze", "--from", "2026-01-02", "--to", "2026-01-04",
              failfast])
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    rows = {tuple(line.split()[:3]) for line in out.splitlines() if line.startswith("2026-")}
    assert ("2026-01-03", "raw", "failed") in rows
    assert ("2026-01-03", "bronze", "skipped") in rows
    assert ("2026-01-02", "bronze", "ok") in rows and ("2026-01-04", "bronze", "ok") in rows
    resume = next(line.strip() for line in out.splitlines() if line.strip().startswith("prodi "))
    args = shlex.split(resume)
    assert args[:2] == ["prodi", "backfill"] and "2026-01-03" in args and "2026-01-02" not in args

    bad.write_text(good_text)
    main(args[1:])
    assert "backfill done: 2 job(s) ok" in capsys.readouterr().out
    bronze_dates = {r["_landed_date"] for r in spark_session.read.format("delta").load(
        str(lakehouse / "bronze" / "orders")).select("_landed_date").distinct().collect()}
    assert bronze_dates == {"2026-01-02", "2026-01-03", "2026-01-04"}


def test_plain_multirun_reports_failures_and_exits_non_zero(spark_session, isolated_run, capsys):
    generate_demo_data(isolated_run / "lakehouse" / "landing")
    with pytest.raises(SystemExit) as exit_info:
        main(["run-layer", "-m", "layer=raw", "run.date=2026-01-01,2026-01-02",
              "+pipeline.datasets.orders.raw.source.options.encoding=NO-SUCH-CHARSET"])
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "Some jobs failed" in out and "run.date=2026-01-01,2026-01-02" in out
