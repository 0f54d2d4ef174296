"""Pure logic behind config messages (no JVM): unknown-key suggestions, how files are named,
the rule for keys without a sequence, and what a user's pipeline file may leave out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodi.cli.main import main
from prodi.config.option_files import shown_path
from prodi.model.errors import ConfigError, unknown_key
from prodi.model.schema.pipeline import DatasetSpec
from prodi.model.typed import build


def test_unknown_key_names_the_nearest_known_keys() -> None:
    error = unknown_key("run.dat", "dat", ["id", "date", "full_refresh", "show"], prefix="run.")
    assert error.render() == ("run.dat: expected a known key (did you mean run.date? known: date, "
                              "full_refresh, id, show), got unknown key 'dat'")


def test_unknown_key_without_a_near_one_lists_them_all() -> None:
    error = unknown_key("zzz", "zzz", ["run", "log"])
    assert error.expected == "a known key (known: log, run)"


def test_unknown_key_suggestion_keeps_the_rest_of_the_path() -> None:
    error = unknown_key("rn.date", "rn", ["run", "log"], suffix=".date")
    assert "did you mean run.date?" in error.expected


def test_shown_path_names_files_as_the_user_knows_them(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import prodi.conf

    monkeypatch.chdir(tmp_path)
    packaged = Path(prodi.conf.__file__).parent / "pipeline" / "demo.yaml"
    elsewhere = tmp_path.parent / "elsewhere.yaml"
    assert shown_path(packaged) == "conf/pipeline/demo.yaml"
    assert shown_path(tmp_path / "my_conf" / "pipeline" / "sales.yaml") == \
        "my_conf/pipeline/sales.yaml"
    assert shown_path(elsewhere) == str(elsewhere)


SECTION = {"raw": {"source": {"format": "csv", "path": "/x"}}}


@pytest.mark.parametrize(("silver", "paths"), [
    pytest.param({"keys": ["id"]}, ["d.silver.sequence_by"], id="keys-alone"),
    pytest.param({"keys": ["id"], "sequence_by": "at"}, [], id="with-sequence"),
    pytest.param({"keys": ["id"], "dedupe": "last_arrived"}, [], id="with-dedupe"),
    pytest.param({"keys": ["id"], "sequence_by": "at", "dedupe": "last_arrived"},
                 ["d.silver.dedupe"], id="both"),
    pytest.param({"steps": []}, [], id="no-keys"),
])
def test_keys_need_a_sequence_or_dedupe(silver: dict, paths: list[str]) -> None:
    errors: list[ConfigError] = []
    build(DatasetSpec, {**SECTION, "silver": silver}, "d", errors)
    assert [e.path for e in errors] == paths
    if paths == ["d.silver.sequence_by"]:
        assert "`dedupe: last_arrived`" in errors[0].expected


def test_user_pipeline_with_dedupe_and_no_name_validates(
        sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`dedupe: last_arrived` is read by silver; a pipeline without `name` takes its file's."""
    conf = sandbox / "my_conf" / "pipeline"
    conf.mkdir(parents=True)
    (conf / "sales.yaml").write_text(
        "datasets:\n  refunds:\n"
        "    raw: {source: {format: csv, path: /x, glob: '*.csv'}}\n"
        "    bronze: {columns: [{name: refund_id, type: string}]}\n"
        "    silver: {keys: [refund_id], dedupe: last_arrived}\n", encoding="utf-8")

    main(["run-layer", "--config-dir", "my_conf", "pipeline=sales", "layer=silver",
          "dry_run=true", "plan_format=json"])

    plan = json.loads(capsys.readouterr().out)
    assert plan["pipeline"] == "sales"
    assert [(d["dataset"], d["keys"], d["sequence_by"]) for d in plan["datasets"]] == \
        [("refunds", ["refund_id"], None)]


def test_broken_yaml_in_a_user_file_is_named(sandbox: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Hydra's parser error becomes one paragraph naming the file, line and column (through
    the composer every command but run-layer uses: `prodi show` here)."""
    conf = sandbox / "my_conf" / "pipeline"
    conf.mkdir(parents=True)
    (conf / "sales.yaml").write_text("datasets:\n  orders: [\n", encoding="utf-8")

    with pytest.raises(SystemExit) as exc:
        main(["show", "--config-dir", "my_conf", "pipeline=sales", "layer=bronze"])

    assert exc.value.code == 2
    assert capsys.readouterr().err == (
        "prodi: error: Invalid configuration: my_conf/pipeline/sales.yaml: <root>: expected "
        "valid YAML, got a syntax "
        "error at line 3, column 1 (expected the node content, but found '<stream end>')\n")
