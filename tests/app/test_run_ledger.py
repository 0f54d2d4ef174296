"""The run ledger after real in-process runs: rows, a failure with its redacted error, a chain's
parent, a ledger that can't be written, and two writers at once."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from delta.tables import DeltaTable

from prodi.app.openlineage_events import run_uuid
from prodi.app.recording import LEDGER_EXIT
from prodi.cli.main import main
from prodi.io import run_ledger
from prodi.model.layout import TableSpace
from tests.app.test_report import Page
from tests.app.test_secret_leaks import CANARY, FORMS, _option
from tests.conftest import generate_demo_data

pytestmark = pytest.mark.spark


def _ledger(spark, lakehouse: Path) -> tuple[list[dict], list[dict]]:
    runs = run_ledger.recent_runs(spark, TableSpace(str(lakehouse)), limit=None)
    return runs, run_ledger.dataset_runs(spark, TableSpace(str(lakehouse)), [r["run_id"] for r in runs])


def _strings(value) -> list[str]:  # noqa: ANN001 - any ledger value
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.fixture(scope="module")
def ledger_runs(spark_session, tmp_path_factory) -> tuple[Path, list[dict], list[dict], int]:
    """In one lakehouse: a chain raw,bronze for one date (ok), then a raw run that fails with
    the canary in Spark's error, then a raw run whose ledger write fails. OpenLineage events go
    to a file."""
    root = tmp_path_factory.mktemp("ledger")
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    mp.setenv("PRODI_LAKEHOUSE", str(root / "lakehouse"))
    mp.setenv("PRODI_HYDRA_DIR", str(root / "hydra"))
    mp.setenv("PRODI_SECRET__BARS__CANARY", CANARY)
    mp.delenv("PRODI_FORCE_DRY_RUN", raising=False)
    for key in [k for k in os.environ if k.startswith("OPENLINEAGE")]:
        mp.delenv(key)
    mp.setenv("OPENLINEAGE__TRANSPORT__TYPE", "file")  # every run's events, one JSON a line
    mp.setenv("OPENLINEAGE__TRANSPORT__LOG_FILE_PATH", str(root / "openlineage.jsonl"))
    mp.setenv("OPENLINEAGE__TRANSPORT__APPEND", "true")
    generate_demo_data(root / "lakehouse" / "landing", "--days", "2")
    main(["run-layer", "layer=raw,bronze", "run.date=2026-01-01", _option("prodi_probe")])
    with pytest.raises(SystemExit) as failed:
        main(["run-layer", "layer=raw", "run.date=2026-01-02", _option("encoding")])
    assert failed.value.code == 1
    main(["run-layer", "layer=raw", "dry_run=true"])  # not recorded
    runs, items = _ledger(spark_session, root / "lakehouse")

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003
        raise OSError("disk full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run_ledger, "append", broken)
        with pytest.raises(SystemExit) as unrecorded:
            main(["run-layer", "layer=raw", "run.date=2026-01-02"])
    yield root / "lakehouse", runs, items, unrecorded.value.code
    mp.undo()


def test_a_chain_records_its_layer_runs_under_it_with_every_term(spark_session, ledger_runs):
    lakehouse, runs, items, _ = ledger_runs
    (chain,) = [r for r in runs if r["kind"] == "chain"]
    layers = {r["layer"]: r for r in runs if r["parent_id"] == chain["run_id"]}
    assert set(layers) == {"raw", "bronze"} and chain["status"] == "ok"
    assert chain["layer"] == "raw,bronze" and chain["run_date"] == "2026-01-01"
    for run in layers.values():
        assert (run["status"], run["run_date"], run["cloud"], run["env"]) == \
            ("ok", "2026-01-01", "local", "dev")
        assert run["config_sha256"].startswith("sha256:") and len(run["config_sha256"]) == 71
        assert run["build"].startswith("git:") and run["spark_version"] == spark_session.version
        assert run["started_at"] <= run["ended_at"] and run["error"] is None
    bronze = {i["dataset"]: i for i in items if i["run_id"] == layers["bronze"]["run_id"]}
    assert {"orders", "customers"} <= set(bronze)
    for dataset in ("orders", "customers"):
        item = bronze[dataset]
        table = lakehouse / "bronze" / dataset
        rows = spark_session.read.format("delta").load(str(table)).count()
        assert item["rows_written"] == rows > 0
        assert item["rows_read"] == item["rows_written"] + item["rows_quarantined"] + \
            item["rows_dropped"] + item["rows_superseded"]
        version = DeltaTable.forPath(spark_session, str(table)).history(1).collect()[0]["version"]
        assert item["version_written"] == version
    quarantined = bronze["orders"]
    assert quarantined["rows_quarantined"] == sum(quarantined["failed_rules"].values()) > 0
    assert set(quarantined["rule_actions"].values()) == {"quarantine"}


def test_a_failed_run_is_recorded_with_its_redacted_error_and_no_secret(ledger_runs):
    _, runs, items, _ = ledger_runs
    (failed,) = [r for r in runs if r["status"] == "failed"]
    assert (failed["layer"], failed["parent_id"], failed["run_date"]) == ("raw", None, "2026-01-02")
    assert "***" in failed["error"]
    assert any(o.startswith("+pipeline.datasets.orders.raw.source.options.encoding")
               for o in failed["overrides"])
    (where,) = [i for i in items if i["run_id"] == failed["run_id"] and i["status"] == "failed"]
    assert where["dataset"] == "orders"
    assert len([r for r in runs if r["kind"] == "layer"]) == 3  # the dry-run left no row
    everything = _strings(runs) + _strings(items)
    assert not [s for s in everything for form in FORMS if form in s]


def test_a_ledger_that_cant_be_written_keeps_the_run_and_exits_3(ledger_runs, spark_session):
    lakehouse, runs, _, code = ledger_runs
    assert code == LEDGER_EXIT == 3
    raw = spark_session.read.format("delta").load(str(lakehouse / "raw" / "orders"))
    assert raw.where("_landed_date = '2026-01-02'").count() > 0  # that run's rows landed


def test_two_concurrent_ledger_appends_both_land(spark_session, tmp_path):
    now = datetime.now(timezone.utc)
    rows = [{"run_id": f"run-{i}", "kind": "layer", "status": "ok", "started_at": now,
             "overrides": []} for i in range(2)]
    items = [{"run_id": f"run-{i}", "layer": "raw", "dataset": "d", "status": "ok",
              "failed_rules": {"r": i}} for i in range(2)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        start.wait()
        try:
            run_ledger.append(spark_session, TableSpace(str(tmp_path)), [rows[i]], [items[i]])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    runs = run_ledger.recent_runs(spark_session, TableSpace(str(tmp_path)))
    assert sorted(r["run_id"] for r in runs) == ["run-0", "run-1"]
    got = run_ledger.dataset_runs(spark_session, TableSpace(str(tmp_path)), ["run-0", "run-1"])
    assert sorted(i["failed_rules"]["r"] for i in got) == [0, 1]


def test_runs_and_report_read_the_ledger_back(ledger_runs, spark_session, capfd):
    lakehouse, runs, _, _ = ledger_runs
    main(["runs", "--json"])
    listed = json.loads(capfd.readouterr().out)
    started = [r["started_at"] for r in listed]
    assert started == sorted(started, reverse=True) and len(listed) == len(runs)
    (chain,) = [r for r in listed if r["kind"] == "chain"]
    main(["runs", "show", chain["run_id"][:-3]])
    shown = capfd.readouterr().out
    children = [r["run_id"] for r in runs if r["parent_id"] == chain["run_id"]]
    assert all(c in shown for c in children) and "customers" in shown
    report = lakehouse.parent / "report.html"
    main(["report", "--output", str(report)])
    text = report.read_text()
    assert not [form for form in FORMS if form in text]
    page = Page(text)
    flows = {(r["layer"], r["dataset"]): r for r in page.tables["flow"]}
    bronze = spark_session.read.format("delta").load(str(lakehouse / "bronze" / "orders"))
    assert flows[("bronze", "orders")]["rows_written"] == str(bronze.count())
    fresh = {(r["layer"], r["dataset"]): r["run_date"] for r in page.tables["freshness"]}
    assert fresh[("raw", "orders")] == fresh[("bronze", "customers")] == "2026-01-01"
    assert fresh[("silver", "orders")] == "–"
    assert "<svg" in text and "raw.orders&#45;&gt;bronze.orders" in text


def test_openlineage_has_a_start_and_an_end_per_item_run_with_its_datasets(ledger_runs):
    lakehouse, runs, items, _ = ledger_runs
    text = (lakehouse.parent / "openlineage.jsonl").read_text()
    assert not [form for form in FORMS if form in text]
    events: dict[str, list[dict]] = {}
    for line in text.splitlines():
        event = json.loads(line)
        events.setdefault(event["run"]["runId"], []).append(event)
    assert all([e["eventType"] for e in mine] in (["START", "COMPLETE"], ["START", "FAIL"])
               for mine in events.values())
    by_item = {(i["run_id"], i["layer"], i["dataset"]): i for i in items}
    recorded = {run_uuid(*key): item for key, item in by_item.items()}
    assert set(recorded) <= set(events)  # and the run whose ledger failed sent its own
    for uuid, item in recorded.items():
        start, end = events[uuid]
        assert end["eventType"] == ("FAIL" if item["status"] == "failed" else "COMPLETE")
        assert end["job"] == {**end["job"], "namespace": "prodi",
                              "name": f"{item['layer']}.{item['dataset']}"}
        assert end["run"]["facets"]["prodi"]["runId"] == item["run_id"]
        assert [(o["namespace"], o["name"]) for o in start["outputs"] + end["outputs"]] == \
            [("file", item["target"])] * 2
        if item["status"] == "ok":
            stats = end["outputs"][0]["outputFacets"]
            assert stats["outputStatistics"]["rowCount"] == item["rows_written"]
            if item["version_written"] is not None:
                assert stats["version"]["datasetVersion"] == str(item["version_written"])
    (chain,) = [r for r in runs if r["kind"] == "chain"]
    bronze = next(r["run_id"] for r in runs if r["layer"] == "bronze")
    end = events[run_uuid(bronze, "bronze", "orders")][1]
    assert end["run"]["facets"]["prodi"]["parentRunId"] == chain["run_id"]
    (read,) = end["inputs"]
    assert (read["namespace"], read["name"]) == ("file", str(lakehouse / "raw" / "orders"))
    raw = next(r["run_id"] for r in runs if r["parent_id"] == chain["run_id"] and
               r["layer"] == "raw")
    (source,) = events[run_uuid(raw, "raw", "orders")][1]["inputs"]
    assert source["name"] == str(lakehouse / "landing" / "orders")
    (failed,) = [e for mine in events.values() for e in mine if e["eventType"] == "FAIL"]
    assert "***" in failed["run"]["facets"]["errorMessage"]["message"]
