"""A corpus of broken configs, overrides, legacy files and CLI flags.

Each case runs the real `prodi run-layer` in-process and must be rejected before anything runs:
exit code 2, one `prodi: error: ...` message on stderr naming the key path, nothing on stdout.
`dry_run=true` comes first on every command line (a case's own `dry_run=...` still wins) and
PRODI_FORCE_DRY_RUN=1 is set unless a case sets it, so a case that slipped through validation
could only ever print a plan. A Spark guard makes any attempt to start a session fail the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from prodi.cli.main import main

SAFE_ENV = {"PRODI_FORCE_DRY_RUN": "1"}
DS = "pipeline.datasets"
ORD = f"{DS}.orders"
SIL = f"{ORD}.silver"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    path: str  # key path the message must name, as `<path>: expected`
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # written into tmp_path
    source: str | None = None  # the file or override the message must name, as `<source>: <path>`
    says: str = ""  # more the message must say (a suggestion, the ways out)


def case(id_: str, path: str, *args: str, env: dict[str, str] | None = None,
         files: dict[str, str] | None = None, source: str | None = None, says: str = "",
         marks: tuple = ()) -> object:
    return pytest.param(Case(args, path, env or {}, files or {}, source, says), id=id_,
                        marks=marks)


LEGACY = "{tmp}/legacy.yml"
SALES = "my_conf/pipeline/sales.yaml"  # a pipeline in a user's config dir (`--config-dir my_conf`)
USER_DIR = ("--config-dir", "my_conf", "pipeline=sales")
REFUNDS = ("datasets:\n  refunds:\n    raw: {source: {format: csv, path: /x, glob: '*.csv'}}\n"
           "    bronze: {columns: [{name: refund_id, type: string}, {name: at, type: timestamp}]}\n"
           "    silver:\n      keys: [refund_id]\n")
WAYS_OUT = "`sequence_by: <column>` (the column that orders a key's versions) or `dedupe: last_arrived`"

CASES = [
    # --- unknown keys -------------------------------------------------------------------------
    case("unknown-top-level", "foo", "layer=silver", "+foo=1"),
    case("unknown-cloud", "cloud.foo", "layer=silver", "+cloud.foo=1"),
    case("unknown-env", "env.foo", "layer=silver", "+env.foo=1"),
    case("unknown-conflict-key", "env.conflicts.tries", "layer=silver", "+env.conflicts.tries=3"),
    case("negative-conflict-retries", "env.conflicts.retries", "layer=silver",
         "env.conflicts.retries=-1"),
    case("unknown-pipeline", "pipeline.foo", "layer=silver", "+pipeline.foo=1"),
    case("unknown-dataset", f"{ORD}.foo", "layer=silver", f"+{ORD}.foo=1"),
    case("unknown-step", f"{SIL}.steps[0].foo", "layer=silver",
         f"{SIL}.steps=[{{type:trim,columns:[order_id],foo:1}}]"),
    case("unknown-expectation", f"{DS}.customers.silver.expectations[0].severity",
         "layer=silver", f"{DS}.customers.silver.expectations="
         "[{name:a,expr:'customer_id IS NOT NULL',severity:high}]"),
    case("unknown-mart", "pipeline.marts.daily_revenue.foo", "layer=gold",
         "+pipeline.marts.daily_revenue.foo=1"),
    # --- wrong types --------------------------------------------------------------------------
    case("int-for-bool", "env.dry_run", "layer=silver", "env.dry_run=3"),
    case("str-for-bool", "dry_run", "layer=silver", "dry_run=maybe"),
    case("str-for-list", "datasets", "layer=silver", "datasets=orders"),
    case("list-for-dataset-mapping", f"{DS}.extra", "layer=silver", f"+{DS}.extra=[1]"),
    case("int-for-conf-mapping", "spark.conf", "layer=silver", "spark.conf=5"),
    case("bool-for-log-level", "env.log_level", "layer=silver", "env.log_level=true"),
    case("int-for-step", f"{SIL}.steps[0]", "layer=silver", f"{SIL}.steps=[5]"),
    case("cloud-name", "cloud.name", "layer=silver", "cloud.name=ibm"),
    case("layer-name", "layer.name", "layer=silver", "layer.name=platinum"),
    case("source-format", f"{ORD}.raw.source.format", "layer=raw",
         f"{ORD}.raw.source.format=xml"),
    case("expectation-action", f"{SIL}.expectations[0].action", "layer=silver",
         f"{SIL}.expectations=[{{name:a,expr:'amount > 0',action:explode}}]"),
    case("plan-format-xml", "plan_format", "layer=silver", "plan_format=xml"),
    case("log-format-xml", "log.format", "layer=silver", "log.format=xml"),
    case("log-format-env-xml", "log.format", "layer=silver", env={"PRODI_LOG_FORMAT": "xml"}),
    # --- missing required values --------------------------------------------------------------
    case("delete-keys", f"{SIL}.keys", "layer=silver", f"~{SIL}.keys"),
    case("empty-keys", f"{SIL}.keys", "layer=silver", f"{SIL}.keys=[]"),
    case("no-layer", "layer"),
    case("layer-missing-marker", "layer", "layer=???"),
    case("run-date-missing-marker", "run.date", "layer=silver", "run.date=???"),
    case("delete-bronze-columns", f"{ORD}.bronze.columns", "layer=silver",
         f"~{ORD}.bronze.columns"),
    case("delete-raw-under-bronze", f"{ORD}.raw", "layer=bronze", f"~{ORD}.raw"),
    case("expectation-without-expr", f"{SIL}.expectations[0].expr", "layer=silver",
         f"{SIL}.expectations=[{{name:a}}]"),
    case("mart-without-sql", "pipeline.marts.x.sql", "layer=gold",
         "+pipeline.marts.x={description:d}"),
    case("unresolvable-interpolation", "cloud.storage.root", "layer=silver",
         "cloud.storage.root=${nope}"),
    # --- unknown group choices ----------------------------------------------------------------
    case("unknown-layer", "layer", "layer=platinum"),
    case("unknown-cloud-choice", "cloud", "layer=silver", "cloud=ibm"),
    case("unknown-env-choice", "env", "layer=silver", "env=qa"),
    case("unknown-pipeline-choice", "pipeline", "layer=silver", "pipeline=nope"),
    # --- references to datasets and tables that don't exist ------------------------------------
    case("unknown-dataset-selected", "datasets[0]", "layer=silver", "datasets=[nope]"),
    case("dataset-selected-for-gold", "datasets[0]", "layer=gold", "datasets=[orders]"),
    case("dataset-without-layer-section", "datasets[0]", "layer=silver",
         f"+{DS}.extra={{raw:{{source:{{format:csv,path:/x}}}}}}", "datasets=[extra]"),
    case("mart-unknown-table", "pipeline.marts.daily_revenue.sql", "layer=gold",
         "pipeline.marts.daily_revenue.sql='SELECT * FROM nope'"),
    # --- step types ---------------------------------------------------------------------------
    case("unknown-step-type", f"{SIL}.steps[0].type", "layer=silver",
         f"{SIL}.steps=[{{type:explode,columns:[order_id]}}]"),
    case("step-without-type", f"{SIL}.steps[0]", "layer=silver",
         f"{SIL}.steps=[{{columns:[order_id]}}]"),
    # --- SQL that doesn't parse ---------------------------------------------------------------
    case("mart-sql-typo", "pipeline.marts.daily_revenue.sql", "layer=gold",
         "pipeline.marts.daily_revenue.sql='SELEC order_date FROM orders'"),
    case("mart-sql-not-select", "pipeline.marts.daily_revenue.sql", "layer=gold",
         "pipeline.marts.daily_revenue.sql='DELETE FROM orders'"),
    case("mart-sql-two-statements", "pipeline.marts.daily_revenue.sql", "layer=gold",
         "pipeline.marts.daily_revenue.sql='SELECT 1; SELECT 2'"),
    case("expectation-expr-syntax", f"{SIL}.expectations[0].expr", "layer=silver",
         f"{SIL}.expectations=[{{name:a,expr:'amount >>= 0'}}]"),
    case("derive-expr-syntax", f"{SIL}.steps[0].columns.x", "layer=silver",
         f"{SIL}.steps=[{{type:derive,columns:{{x:'amount +* 2'}}}}]"),
    case("filter-condition-syntax", f"{SIL}.steps[0].condition", "layer=silver",
         f"{SIL}.steps=[{{type:filter,condition:'amount >'}}]"),
    # --- unknown columns ----------------------------------------------------------------------
    case("unknown-key-column", f"{SIL}.keys[0]", "layer=silver", f"{SIL}.keys=[nope]"),
    case("unknown-sequence-by", f"{SIL}.sequence_by", "layer=silver", f"{SIL}.sequence_by=nope"),
    case("unknown-partition-by", f"{SIL}.partition_by[0]", "layer=silver",
         f"{SIL}.partition_by=[nope]"),
    case("unknown-trim-column", f"{SIL}.steps[0].columns[0]", "layer=silver",
         f"{SIL}.steps=[{{type:trim,columns:[nope]}}]"),
    case("unknown-cast-column", f"{SIL}.steps[0].columns.nope", "layer=silver",
         f"{SIL}.steps=[{{type:cast,columns:{{nope:int}}}}]"),
    case("unknown-filter-column", f"{SIL}.steps[0].condition", "layer=silver",
         f"{SIL}.steps=[{{type:filter,condition:'nope > 1'}}]"),
    case("unknown-expectation-column", f"{SIL}.expectations[0].expr", "layer=silver",
         f"{SIL}.expectations=[{{name:a,expr:'amout > 0'}}]"),
    case("unknown-bronze-expectation-column", f"{ORD}.bronze.expectations[0].expr",
         "layer=bronze", f"+{ORD}.bronze.expectations=[{{name:a,expr:'nope IS NOT NULL'}}]"),
    # --- Spark types --------------------------------------------------------------------------
    case("bad-bronze-type", f"{ORD}.bronze.columns[0].type", "layer=bronze",
         f"{ORD}.bronze.columns.0.type=varchar2"),
    case("bad-bronze-decimal", f"{ORD}.bronze.columns[3].type", "layer=bronze",
         f"{ORD}.bronze.columns.3.type='decimal(40,2)'"),
    case("bad-cast-type", f"{SIL}.steps[0].columns.amount", "layer=silver",
         f"{SIL}.steps=[{{type:cast,columns:{{amount:money}}}}]"),
    # --- write modes ------------------------------------------------------------------------
    case("replace-partitions-unpartitioned", "pipeline.marts.daily_revenue.partition_by",
         "layer=gold", "+pipeline.marts.daily_revenue.sink={type: replace_partitions}"),
    case("scd2-without-sequence", f"{DS}.customers.silver.sequence_by", "layer=silver",
         f"~{DS}.customers.silver.sequence_by"),
    case("scd2-both-track-lists", f"{DS}.customers.silver.sink.track_history_except_columns",
         "layer=silver", f"+{DS}.customers.silver.sink.track_history_except_columns=[email]"),
    case("scd2-unknown-tracked-column", f"{DS}.customers.silver.sink.track_history_columns[1]",
         "layer=silver", f"{DS}.customers.silver.sink.track_history_columns=[name,contry]"),
    case("scd2-validity-name-taken", f"{DS}.customers.silver.sink.valid_to", "layer=silver",
         f"+{DS}.customers.silver.sink.valid_to=country"),
    case("merge-deletes-bad-sql", f"{SIL}.sink.apply_as_deletes", "layer=silver",
         f"+{SIL}.sink={{type: merge, apply_as_deletes: \"status = \"}}"),
    case("merge-deletes-unknown-column", f"{SIL}.sink.apply_as_deletes", "layer=silver",
         f"+{SIL}.sink={{type: merge, apply_as_deletes: \"op = 'D'\"}}"),
    case("unknown-write-mode", f"{SIL}.sink.type", "layer=silver", f"+{SIL}.sink={{type: upsert}}"),
    # --- duplicates ---------------------------------------------------------------------------
    case("duplicate-column", f"{ORD}.bronze.columns[1].name", "layer=bronze",
         f"{ORD}.bronze.columns.1.name=order_id"),
    case("duplicate-rule", f"{SIL}.expectations[1].name", "layer=silver",
         f"{SIL}.expectations=[{{name:a,expr:'amount > 0'}},{{name:a,expr:'amount < 9'}}]"),
    # --- run.date -----------------------------------------------------------------------------
    *[case(f"run-date-{i}", "run.date", "layer=silver", f"run.date={value}")
      for i, value in enumerate(["2026-13-01", "2026-02-30", "'2026-01-01T00:00'"])],
    case("run-date-flag", "run.date", "--layer", "silver", "--run-date", "2026-13-01"),
    # --- PRODI_FORCE_DRY_RUN ------------------------------------------------------------------
    *[case(f"force-dry-run-{value!r}", "$PRODI_FORCE_DRY_RUN", "layer=silver",
           env={"PRODI_FORCE_DRY_RUN": value}) for value in ["maybe", "2"]],
    # --- secret references --------------------------------------------------------------------
    case("secret-without-key", f"{ORD}.raw.source.options.password", "layer=raw",
         f"+{ORD}.raw.source.options.password='<<secrets/onlyscope>>'"),
    case("secret-resolver-without-key", f"{ORD}.raw.source.options.password", "layer=raw",
         f"+{ORD}.raw.source.options.password='${{secret:onlyscope}}'"),
    case("secret-singular-in-spark-conf", "cloud.spark_conf.x", "layer=silver",
         "+cloud.spark_conf.x='{{secret/scope/key}}'"),
    # --- date_pattern -------------------------------------------------------------------------
    case("date-pattern-unterminated-set", f"{ORD}.raw.source.date_pattern", "layer=raw",
         f"{ORD}.raw.source.date_pattern='[0-9'"),
    # --- legacy files -------------------------------------------------------------------------
    case("legacy-not-yaml", "<root>", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\ncloud: [local\n"}),
    case("legacy-list", "<root>", "--config", LEGACY, files={"legacy.yml": "- a\n- b\n"}),
    case("legacy-wrong-type-datasets", "datasets", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\ndatasets: orders\n"}),
    case("legacy-wrong-type-log", "log", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\nlog: json\n"}),
    case("legacy-unknown-column", f"{SIL}.keys[0]", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\npipeline:\n  datasets:\n    orders:\n"
                              "      silver:\n        keys: [nope]\n"}),
    case("legacy-quoted-bad-date", "run.date", "--config", LEGACY,
         files={"legacy.yml": 'layer: silver\nrun:\n  date: "2026-02-30"\n'}),
    case("legacy-missing-file", "--config", "--config", "{tmp}/missing.yml"),
    case("legacy-wrong-extension", "--config", "--config", "{tmp}/legacy.json",
         files={"legacy.json": "layer: silver\n"}),
    case("legacy-directory", "--config", "-c", "{tmp}/dir.yml", files={"dir.yml/x": ""}),
    case("legacy-dbfs-missing", "--config", "--layer", "silver", "--config",
         "dbfs:/cfg/silver/nope.yml", env={"PRODI_DBFS_ROOT": "{tmp}/dbfs"}),
    # --- CLI flags ----------------------------------------------------------------------------
    case("unknown-flag", "--bogus", "--bogus", "layer=silver"),
    case("unknown-flag-with-value", "--frobnicate", "layer=silver", "--frobnicate=1"),
    case("positional-not-a-layer", "<positional>", "platinum"),
    case("two-positional-layers", "<positional>", "silver", "gold"),
    case("dry-run-flag-maybe", "--dry-run", "layer=silver", "--dry-run=maybe"),
    case("layer-flag-without-value", "--layer", "--layer"),
    case("layer-flag-then-flag", "--layer", "--layer", "--dry-run"),
    case("layer-flag-empty", "--layer", "--layer="),
    case("config-flag-without-value", "--config", "layer=silver", "--config"),
    case("layer-flag-unknown", "layer", "--layer", "platinum"),
    case("datasets-flag-unknown", "datasets[0]", "--layer", "silver", "--datasets", "nope"),
    case("hydra-flag-without-value", "--config-dir", "layer=silver", "--config-dir"),
    case("override-syntax", "<command line>", "layer=silver", "run.date=[1,2"),
    case("sweep-with-a-bad-value", "run.date", "-m", "layer=silver",
         "run.date=2026-01-01,2026-99-99"),
    # --- the file an error is in, as the user named it (issue 16) ---------------------------
    case("user-config-dir-file", f"{DS}.orders.format", *USER_DIR, "layer=bronze",
         files={SALES: "datasets:\n  orders:\n    format: csv\n"}, source=SALES),
    case("user-config-dir-absolute", f"{DS}.refunds.silver.sequence_by", "--config-dir",
         "{tmp}/my_conf", "pipeline=sales", "layer=silver", files={SALES: REFUNDS}, source=SALES),
    case("user-file-hidden-by-a-packaged-one", "env/dev", *USER_DIR, "layer=silver",
         files={SALES: REFUNDS, "my_conf/env/dev.yaml": "log_level: DEBUG\n"},
         source="my_conf/env/dev.yaml", says="env/my_dev.yaml"),
    case("user-config-dir-layer-file", "upstream", "--config-dir", "my_conf", "layer=silver",
         files={"my_conf/layer/platinum.yaml": "name: platinum\nupstream: nope\n"},
         source="my_conf/layer/platinum.yaml"),
    case("user-config-dir-missing", "--config-dir", "--config-dir", "nope", "layer=silver",
         source="command line"),
    case("packaged-file", f"{SIL}.sequence_by", "layer=silver",
         f"{SIL}.steps=[{{type:drop,columns:[updated_at]}}]", source="conf/pipeline/demo.yaml"),
    case("legacy-file-named-as-given", "run.date", "--config", "legacy.yml",
         files={"legacy.yml": "layer: silver\nrun: {date: '2026-1-1'}\n"}, source="legacy.yml"),
    case("legacy-file-unknown-cloud", "cloud", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\ncloud: ibm\n"}, source=LEGACY),
    case("legacy-file-unknown-pipeline", "pipeline", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\npipeline: sales\n"}, source=LEGACY),
    case("legacy-file-selects-user-pipeline", f"{DS}.refunds.silver.sequence_by", "--config",
         "legacy.yml", "--config-dir", "my_conf",
         files={"legacy.yml": "layer: silver\npipeline: sales\n", SALES: REFUNDS}, source=SALES),
    # --- unknown keys, with the nearest known ones (issue 16) --------------------------------
    case("unknown-override-suggests", "run.dat", "layer=bronze", "run.dat=2026-01-01",
         source="command-line override 'run.dat=2026-01-01'", says="did you mean run.date?"),
    case("unknown-override-parent-suggests", "rn.date", "layer=bronze", "rn.date=2026-01-01",
         source="command-line override 'rn.date=2026-01-01'", says="did you mean run.date?"),
    case("unknown-override-lists-known", "foo", "layer=bronze", "foo=1",
         source="command-line override 'foo=1'", says="known: cloud, datasets, dry_run"),
    case("unknown-nested-override-suggests", f"{SIL}.kyes", "layer=silver", f"{SIL}.kyes=[a]",
         says=f"did you mean {SIL}.keys?"),
    case("unknown-delete", "nope", "layer=silver", "~nope", source="command-line override '~nope'"),
    case("unknown-yaml-key-suggests", f"{DS}.refunds.silver.kyes", *USER_DIR, "layer=silver",
         files={SALES: REFUNDS.replace("keys:", "sequence_by: at\n      kyes:")}, source=SALES,
         says="did you mean keys?"),
    case("unknown-yaml-section-suggests", f"{DS}.refunds.silvr", *USER_DIR, "layer=silver",
         files={SALES: (REFUNDS + "      sequence_by: at\n").replace("silver:", "silvr:")},
         source=SALES,
         says="did you mean silver?"),
    case("unknown-legacy-key-suggests", "run.dat", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\nrun: {dat: '2026-01-01'}\n"}, source=LEGACY,
         says="did you mean date?"),
    # --- keys without a sequence (issue 16) ---------------------------------------------------
    case("keys-without-sequence-override", f"{SIL}.sequence_by", "layer=silver",
         f"~{SIL}.sequence_by", source=f"command-line override '~{SIL}.sequence_by'",
         says=WAYS_OUT),
    case("keys-without-sequence-user-file", f"{DS}.refunds.silver.sequence_by", *USER_DIR,
         "layer=bronze", files={SALES: REFUNDS}, source=SALES, says=WAYS_OUT),
    case("dedupe-beside-sequence", f"{SIL}.dedupe", "layer=silver",
         f"+{SIL}.dedupe=last_arrived"),
    case("dedupe-unknown-value", f"{SIL}.dedupe", "layer=silver", f"~{SIL}.sequence_by",
         f"+{SIL}.dedupe=any", says="'last_arrived'"),
    # --- gaps found while writing this corpus, since fixed -------------------------------------
    case("legacy-unknown-top-level-key", "bogus", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\nbogus: 1\n"}),
    case("legacy-unknown-nested-key", "cloud.bogus", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\ncloud:\n  name: local\n  bogus: 1\n"}),
    case("legacy-unquoted-impossible-date", "run.date", "--config", LEGACY,
         files={"legacy.yml": "layer: silver\nrun:\n  date: 2026-02-30\n"}),
    # A key that others interpolate: the error names the interpolating key and quotes the gone one.
    case("cloud-storage-scalar", "pipeline.datasets.orders.raw.source.path", "layer=silver",
         "cloud.storage=x"),
    case("delete-layer", "spark.app_name", "layer=silver", "~layer"),
    case("list-for-pipeline-datasets", f"{DS}", "layer=silver", f"{DS}=[a]"),
    # (same for env.spark_conf=[a] and cloud.spark_conf={a:{b:1}})
    case("mapping-for-datasets", "datasets", "layer=silver", "datasets={a:1}"),
]


def _fill(text: str, tmp: Path) -> str:
    return text.replace("{tmp}", str(tmp))


@pytest.fixture(autouse=True)
def no_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail, instead of starting a JVM, if a case ever got as far as a real run."""

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("a broken config reached a real run (Spark session requested)")

    monkeypatch.setattr("prodi.engine.session.open_session", boom)


def run_broken(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `prodi run-layer dry_run=true *args`; the exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as exc:
        main(["run-layer", "dry_run=true", *args])
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def names_path(err: str, path: str) -> bool:
    """Whether the message has `<path>: expected` with `path` as a whole key path."""
    return re.search(rf"(?<![\w.\]\[$<-]){re.escape(path)}: expected", err) is not None


@pytest.mark.parametrize("broken", CASES)
def test_broken_input_is_rejected(broken: Case, sandbox: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    for name, text in broken.files.items():
        target = sandbox / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for name, value in {**SAFE_ENV, **broken.env}.items():
        monkeypatch.setenv(name, _fill(value, sandbox))

    code, out, err = run_broken([_fill(a, sandbox) for a in broken.args], capsys)

    assert code == 2, err
    assert err.startswith("prodi: error: "), err
    assert names_path(err, broken.path), f"expected {broken.path!r} named in:\n{err}"
    if broken.source is not None:
        assert f"{_fill(broken.source, sandbox)}: {broken.path}: expected" in err, err
    assert broken.says in err, err
    assert out == ""
    assert not (sandbox / "lh").exists()
    assert not (sandbox / "hydra").exists()


def test_corpus_is_big_enough() -> None:
    assert sum(not p.marks for p in CASES) >= 35


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run-layers", "layer=silver"])
    assert exc.value.code == 2
    assert "unknown command 'run-layers'" in capsys.readouterr().err


# --- where the message says the value came from ----------------------------------------------

SOURCES = [
    pytest.param([f"{SIL}.steps=[{{type:drop,columns:[updated_at]}}]"],
                 {}, "conf/pipeline/demo.yaml", f"{SIL}.sequence_by", id="pipeline-file"),
    pytest.param([f"{SIL}.sequence_by=nope"], {},
                 f"command-line override '{SIL}.sequence_by=nope'", f"{SIL}.sequence_by",
                 id="override"),
    pytest.param(["--config", LEGACY],
                 {"legacy.yml": "layer: silver\nrun:\n  date: '2026-1-1'\n"},
                 LEGACY, "run.date", id="legacy-file"),
    pytest.param(["layer=silver", "cloud=ibm"], {}, "command line", "cloud", id="group-choice"),
    pytest.param(["layer=silver"], {}, "environment", "$PRODI_FORCE_DRY_RUN",
                 id="environment"),
]


@pytest.mark.parametrize(("args", "files", "source", "path"), SOURCES)
def test_message_is_one_paragraph_naming_the_source(
        args: list[str], files: dict[str, str], source: str, path: str, sandbox: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name, text in files.items():
        (sandbox / name).write_text(text, encoding="utf-8")
    force = "maybe" if path == "$PRODI_FORCE_DRY_RUN" else "1"
    monkeypatch.setenv("PRODI_FORCE_DRY_RUN", force)
    args = ["layer=silver", *args] if "layer=silver" not in args else args

    code, _, err = run_broken([_fill(a, sandbox) for a in args], capsys)

    assert code == 2
    paragraph = err.rstrip("\n")
    assert "\n" not in paragraph, f"more than one line:\n{err}"
    assert paragraph.startswith("prodi: error: ")
    assert f"{_fill(source, sandbox)}: {path}: expected" in paragraph, paragraph


SOURCE_CASES = [
    pytest.param(["layer=silver", "dry_run=maybe"], "command-line override 'dry_run=maybe'",
                 id="first-of-two-overrides-blamed"),
    pytest.param(["layer=silver", f"+{SIL}.steps.0.foo=1"],
                 f"command-line override '+{SIL}.steps.0.foo=1'", id="index-override-blamed-on-file"),
    pytest.param(["layer=silver", "+layer.foo=1"], "command-line override '+layer.foo=1'",
                 id="group-choice-blamed-for-nested-key"),
    pytest.param(["--config", LEGACY], LEGACY, id="legacy-env-mapping-blamed-on-override"),
]


@pytest.mark.parametrize(("args", "source"), SOURCE_CASES)
def test_message_names_the_override_that_set_the_value(
        args: list[str], source: str, sandbox: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (sandbox / "legacy.yml").write_text("layer: silver\nenv:\n  name: dev\n  log_level: 5\n",
                                        encoding="utf-8")
    monkeypatch.setenv("PRODI_FORCE_DRY_RUN", "1")
    code, _, err = run_broken([_fill(a, sandbox) for a in args], capsys)
    assert code == 2
    assert _fill(source, sandbox) in err, err


def test_legacy_unquoted_valid_date_is_not_a_crash(
        sandbox: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (sandbox / "legacy.yml").write_text("layer: silver\nrun:\n  date: 2026-01-01\n",
                                        encoding="utf-8")
    monkeypatch.setenv("PRODI_FORCE_DRY_RUN", "1")
    try:
        main(["run-layer", "dry_run=true", "--config", str(sandbox / "legacy.yml")])
    except SystemExit as exc:
        assert exc.code == 2 and "run.date" in capsys.readouterr().err
    else:
        assert "run_date=2026-01-01" in capsys.readouterr().out


# --- nothing is written ----------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    pytest.param(["layer=silver", "datasets=[nope]"], id="override"),
    pytest.param(["--layer", "raw", "--config", "{tmp}/bad.yml"], id="legacy"),
    pytest.param(["--layer", "raw", "--bogus"], id="flag"),
])
def test_rejected_run_writes_nothing(args: list[str], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "bad.yml").write_text("layer: raw\nrun: {date: nope}\n", encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path / "lh"))
    monkeypatch.delenv("PRODI_HYDRA_DIR", raising=False)  # Hydra's default: ./outputs
    monkeypatch.setenv("PRODI_FORCE_DRY_RUN", "1")

    code, out, _ = run_broken([_fill(a, tmp_path) for a in args], capsys)

    assert code == 2
    assert out == ""
    assert not (tmp_path / "lh").exists()
    assert list(work.iterdir()) == []  # no outputs/, no lakehouse/, no spark-warehouse/
