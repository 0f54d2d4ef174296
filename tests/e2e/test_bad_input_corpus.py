"""Every landed record accounted for, on a corpus of bad deliveries, in batch and in date runs.

The real CLI runs raw -> bronze -> silver twice (the second time after some files were
delivered again) over the corpus of `bad_input_corpus`. Then every table and quarantine is
compared with the fate each record was given by hand: where it is, with which reasons, and
that nothing else is anywhere in the lakehouse.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from prodi.cli.main import main
from tests.e2e import bad_input_corpus as corpus
from tests.e2e.bad_input_corpus import (
    BRONZE_Q,
    D1,
    D2,
    RAW_Q,
    SECOND_ROUND_RECORDS,
    SILVER,
    SILVER_Q,
    SUPERSEDED,
    Dataset,
    File,
    Rec,
)

pytestmark = [pytest.mark.spark, pytest.mark.slow]
FILES = corpus.files()
COLUMNS = [{"name": "id", "type": "string"}, {"name": "amount", "type": "decimal(12,2)"},
           {"name": "currency", "type": "string"}, {"name": "updated_at", "type": "timestamp"}]


def pipeline(landing: Path) -> str:
    datasets = {}
    for ds in corpus.DATASETS:
        source = {"format": ds.fmt, "path": str(landing / ds.name), "glob": ds.glob,
                  "date_pattern": r"\d{4}-\d{2}-\d{2}", "options": ds.options, **ds.source}
        columns = [dict(c, on_precision_loss="round") if ds.round_amount and c["name"] == "amount"
                   else c for c in COLUMNS]
        datasets[ds.name] = {
            "raw": {"source": source, **ds.section},
            "bronze": {"columns": columns},
            "silver": {
                "keys": ["id"], "sequence_by": "updated_at",
                "steps": [{"type": "trim", "columns": ["id", "currency"]},
                          {"type": "upper", "columns": ["currency"]}],
                "expectations": [
                    {"name": "id_present", "expr": "id IS NOT NULL", "action": "quarantine"},
                    {"name": "amount_present", "expr": "amount IS NOT NULL", "action": "quarantine"},
                    {"name": "amount_not_negative", "expr": "amount >= 0", "action": "quarantine"},
                    {"name": "currency_known", "expr": "currency IN ('EUR', 'USD', 'GBP')",
                     "action": "quarantine"},
                ],
            },
        }
    return json.dumps({"name": "corpus", "datasets": datasets})  # JSON is YAML


def deliver(landing: Path, second_round: bool) -> None:
    for f in FILES:
        path = landing / f.dataset / f.name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not second_round:
            path.write_bytes(f.content)
        elif f.second_round is not None:
            path.write_bytes(f.second_round)


@dataclass
class Corpus:
    mode: str
    lakehouse: Path
    log: Path
    raw_runs: int


def run(mode: str, conf: Path, log: Path) -> int:
    """One round over raw, bronze and silver; how many raw runs it took."""
    common = ["--config-dir", str(conf), "pipeline=corpus", f"log.file={log}"]
    if mode == "batch":
        for layer in ("raw", "bronze", "silver"):
            main(["run-layer", f"layer={layer}", *common])
        return 1
    main(["backfill", "--layers", "raw,bronze,silver", "--dates", f"{D1},{D2}", *common])
    return 2


@pytest.fixture(scope="module", params=["batch", "dates"])
def lakehouse(request: pytest.FixtureRequest, spark_session: SparkSession,
              tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp(f"corpus-{request.param}")
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    mp.setenv("PRODI_LAKEHOUSE", str(root / "lakehouse"))
    mp.setenv("PRODI_HYDRA_DIR", str(root / "hydra"))
    mp.delenv("PRODI_FORCE_DRY_RUN", raising=False)
    conf = root / "conf"
    (conf / "pipeline").mkdir(parents=True)
    landing = root / "lakehouse" / "landing"
    (conf / "pipeline" / "corpus.yaml").write_text(pipeline(landing), encoding="utf-8")
    log = root / "run.log"
    deliver(landing, second_round=False)
    raw_runs = run(request.param, conf, log)
    deliver(landing, second_round=True)
    raw_runs += run(request.param, conf, log)
    yield Corpus(request.param, root / "lakehouse", log, raw_runs)
    mp.undo()


def records(f: File) -> tuple[Rec, ...]:
    """Every record delivered under the file's name, over both rounds."""
    return f.records + SECOND_ROUND_RECORDS.get(f.name, ())


def table(spark: SparkSession, path: Path) -> list:
    return spark.read.format("delta").load(str(path)).collect() if path.exists() else []


def by_dataset(rows: list, ds: Dataset) -> list:
    return [r for r in rows if f"/landing/{ds.name}/" in (r["_source_file"] or "")]


def name(row) -> str:  # noqa: ANN001
    return Path(row["_source_file"]).name


def reasons(row) -> tuple[str, ...]:  # noqa: ANN001
    return tuple(e["rule"] for e in row["_errors"])


@pytest.mark.parametrize("ds", corpus.DATASETS, ids=lambda d: d.name)
def test_every_record_is_in_exactly_one_place(spark_session, lakehouse, ds: Dataset):
    lh, files = lakehouse.lakehouse, [f for f in FILES if f.dataset == ds.name]
    raw = table(spark_session, lh / "raw" / ds.name)
    raw_q = table(spark_session, lh / "quarantine" / "raw" / ds.name)
    bronze_q = table(spark_session, lh / "quarantine" / "bronze" / ds.name)
    silver_q = table(spark_session, lh / "quarantine" / "silver" / ds.name)
    silver = table(spark_session, lh / "silver" / ds.name)
    # raw: each file's records are ingested or quarantined, none twice, none lost
    delivered = Counter({f.name: len(records(f)) for f in files if f.ingested and records(f)})
    assert Counter(map(name, raw)) + Counter(map(name, raw_q)) == delivered
    expect = lambda fate: Counter((f.name, r.reasons) for f in files for r in records(f)  # noqa: E731
                                  if r.fate == fate)
    assert Counter((name(r), reasons(r)) for r in raw_q) == expect(RAW_Q)
    # bronze and silver quarantines: the record (by id) and every rule it broke
    expect_ids = lambda fate: Counter((f.name, r.id, r.reasons) for f in files  # noqa: E731
                                      for r in records(f) if r.fate == fate)
    assert Counter((name(r), r["_values"]["id"], reasons(r)) for r in bronze_q) == expect_ids(BRONZE_Q)
    assert Counter((name(r), r["_values"]["id"], reasons(r)) for r in silver_q) == \
        expect_ids(SILVER_Q)
    # silver: exactly the surviving version of each key, with its values
    final = {r.id: (corpus.decimal(r.amount), r.currency, r.updated_at, r.rescued)
             for f in files for r in records(f) if r.fate == SILVER}
    got = {r["id"]: (r["amount"], r["currency"], r["updated_at"].strftime("%Y-%m-%d %H:%M:%S"),
                     r["_rescued_data"]) for r in silver}
    assert got == final
    assert len(silver) == len(final)
    # quarantined records keep where they came from and the run that put them there
    for r in raw_q + bronze_q + silver_q:
        assert r["_record_number"] >= 1 and r["_run_id"] and r["_quarantined_at"]
        assert all(e["expression"] for e in r["_errors"])


def test_conservation_in_every_layer(spark_session, lakehouse):
    lh = lakehouse.lakehouse
    for ds in corpus.DATASETS:
        files = [f for f in FILES if f.dataset == ds.name]
        fates = Counter(r.fate for f in files for r in records(f))
        raw = len(table(spark_session, lh / "raw" / ds.name))
        bronze = len(table(spark_session, lh / "bronze" / ds.name))
        silver = len(table(spark_session, lh / "silver" / ds.name))
        assert raw == sum(fates.values()) - fates[RAW_Q], ds.name
        assert bronze == raw - fates[BRONZE_Q], ds.name
        assert silver == bronze - fates[SILVER_Q] - fates[SUPERSEDED], ds.name


def test_add_columns_keeps_undeclared_columns_in_raw(spark_session, lakehouse):
    raw = table(spark_session, lakehouse.lakehouse / "raw" / "csv_add_columns")
    assert [(r["id"], r["channel"]) for r in raw] == [("d01-1", "web")]


def test_nothing_else_is_in_the_lakehouse(lakehouse):
    lh = lakehouse.lakehouse
    tables = {str(p.parent.relative_to(lh)) for p in lh.glob("**/_delta_log")
              if "_prodi" not in p.parts}  # the run ledger records every run
    names = [d.name for d in corpus.DATASETS]
    with_raw_q = {f.dataset for f in FILES for r in records(f) if r.fate == RAW_Q}
    with_bronze_q = {f.dataset for f in FILES for r in records(f) if r.fate == BRONZE_Q}
    with_silver_q = {f.dataset for f in FILES for r in records(f) if r.fate == SILVER_Q}
    expected = {f"{layer}/{n}" for layer in ("raw", "bronze", "silver") for n in names}
    # the ledger remembers every file taken in
    expected |= {f"ingested_files/raw/{f.dataset}" for f in FILES if f.ingested}
    expected |= {f"quarantine/raw/{n}" for n in with_raw_q}
    expected |= {f"quarantine/bronze/{n}" for n in with_bronze_q}
    expected |= {f"quarantine/silver/{n}" for n in with_silver_q}
    assert tables == expected


def test_skipped_files_are_reported_in_every_run(lakehouse):
    log = lakehouse.log.read_text(encoding="utf-8")
    undated = [line for line in log.splitlines() if "a22_undated.csv" in line and "WARNING" in line]
    assert len(undated) == lakehouse.raw_runs  # every raw run that skipped it said so
    refused = [line for line in log.splitlines()
               if "g01_changed" in line and "not ingested" in line and "WARNING" in line]
    assert len(refused) == 1  # the second round's run of its date (batch: the only run)
    assert "h01_corrected" in log and "ingested as a new delivery" in log


def test_every_file_taken_in_is_in_the_ledger_and_rowless_ones_once(spark_session, lakehouse):
    ledger = table(spark_session, lakehouse.lakehouse / "ingested_files" / "raw" / "csv_main")
    taken = {f.name for f in FILES if f.dataset == "csv_main" and f.ingested}
    assert {Path(r["path"]).name for r in ledger} == taken
    once = Counter(Path(r["path"]).name for r in ledger if r["status"] == "rows")
    assert all(n == 1 for name, n in once.items() if not name.startswith("h01")), once
    empty = Counter(Path(r["path"]).name for r in ledger if r["status"] == "empty")
    assert empty == Counter({f"a20_empty_{D1}.csv": 1, f"a21_header_only_{D1}.csv": 1})
    assert all(r["records"] == 0 for r in ledger if r["status"] == "empty")
    rowless = {Path(r["path"]).name: (r["records"], r["quarantined"]) for r in ledger
               if r["status"] == "quarantined"}
    assert rowless == {f"a04_missing_column_{D1}.csv": (1, 1),
                       f"a33_newline_without_multiline_{D1}.csv": (2, 2),
                       f"a36_extra_and_missing_{D1}.csv": (1, 1)}


def _one_dataset(root: Path, files: dict[str, bytes], **raw: object) -> Path:
    """A config dir whose pipeline has one CSV dataset `solo` delivered `files`."""
    landing = root / "lakehouse" / "landing" / "solo"
    landing.mkdir(parents=True)
    for file_name, content in files.items():
        (landing / file_name).write_bytes(content)
    source = {"format": "csv", "path": str(landing), "glob": "*.csv",
              "date_pattern": r"\d{4}-\d{2}-\d{2}", "options": {"header": "true"}}
    spec = {"name": "solo", "datasets": {"solo": {"raw": {"source": source, **raw},
                                                  "bronze": {"columns": COLUMNS}}}}
    conf = root / "conf"
    (conf / "pipeline").mkdir(parents=True)
    (conf / "pipeline" / "solo.yaml").write_text(json.dumps(spec), encoding="utf-8")
    return conf


FAILING = {
    "drift_policy_fail": ({f"x_{D1}.csv": corpus.csv(corpus.row("x1") + ",1", header=corpus.HEADER
                                                      + ",surplus")},
                          {"on_schema_change": "fail"}, "raw",
                          ["x_2026-03-01.csv", "['surplus']", "on_schema_change: fail"]),
    "missing_column_policy_fail": ({f"x_{D1}.csv": corpus.csv("x1,1.00", header="id,amount")},
                                   {"on_schema_change": "fail"}, "raw",
                                   ["x_2026-03-01.csv", "lacks the declared column(s)"]),
    "duplicate_header": ({f"x_{D1}.csv": corpus.csv("x1,1,2,EUR,2026-03-01T10:00:00",
                                                     header="id,amount,AMOUNT,currency,updated_at")},
                         {}, "raw", ["x_2026-03-01.csv", "['amount'] appear more than once"]),
    "quarantine_ratio": ({f"x_{D1}.csv": corpus.csv(corpus.row("x1"), corpus.row("x2", "a"),
                                                     corpus.row("x3", "b"))},
                         {}, "bronze",
                         ["2 of 3 rows read were quarantined", "max_quarantined_ratio 0.5"]),
}


@pytest.mark.parametrize("case", sorted(FAILING))
def test_a_run_that_must_stop_says_why_and_keeps_the_evidence(spark_session, tmp_path, monkeypatch,
                                                               capfd, case):
    files, raw, layer, phrases = FAILING[case]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path / "lakehouse"))
    monkeypatch.setenv("PRODI_HYDRA_DIR", str(tmp_path / "hydra"))
    args = ["--config-dir", str(_one_dataset(tmp_path, files, **raw)), "pipeline=solo"]
    if layer == "bronze":
        main(["run-layer", "layer=raw", *args])
        args.append("+pipeline.datasets.solo.bronze.max_quarantined_ratio=0.5")
    capfd.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["run-layer", f"layer={layer}", *args])
    assert exc.value.code == 1
    err = capfd.readouterr().err
    assert all(p in err for p in phrases), err
    lh = tmp_path / "lakehouse"
    assert not (lh / layer / "solo").exists()  # the target was not written
    if case == "quarantine_ratio":  # ... but the evidence was
        rows = table(spark_session, lh / "quarantine" / "bronze" / "solo")
        assert sorted(r["_values"]["id"] for r in rows) == ["x2", "x3"]


def test_a_backfill_stopped_by_its_data_says_resuming_needs_the_data_fixed(
        spark_session, tmp_path, monkeypatch, capsys):
    files, raw, _, _ = FAILING["drift_policy_fail"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path / "lakehouse"))
    monkeypatch.setenv("PRODI_HYDRA_DIR", str(tmp_path / "hydra"))
    conf = _one_dataset(tmp_path, files, **raw)
    with pytest.raises(SystemExit):
        main(["backfill", "--layers", "raw,bronze", "--dates", D1, "--config-dir", str(conf),
              "pipeline=solo"])
    out = capsys.readouterr().out
    assert "Data problem" in out and "fails the same way until the delivery" in out
    assert "prodi backfill --layers raw,bronze --dates 2026-03-01" in out
