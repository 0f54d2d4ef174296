"""`prodi databricks job --compute serverless`: a job environment instead of a job cluster."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from databricks.sdk.service.jobs import JobSettings

from prodi.cli.databricks import databricks_main
from prodi.deploy.parameters import DIALECTS

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "run" / "databricks.md"
CLOUDS = ("aws", "azure", "gcp")
LAYERS = ["raw", "bronze", "silver", "gold"]
WHEEL = "/Volumes/main/prodi/libs/prodi-0.2.0-py3-none-any.whl"
CFG = "/Volumes/main/prodi/cfg"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[dict[str, Any], str]:
    """Run `prodi databricks job ARGS`; the JSON it prints and its stderr."""
    databricks_main(["job", *args])
    out, err = capsys.readouterr()
    return json.loads(out), err


def serverless(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    return run(capsys, "--compute", "serverless", "--wheel", WHEEL, *args)[0]


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exc:
        databricks_main(["job", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("prodi: error: ") and err.count("\n") == 1, err
    return err


def root_args(dialect: str) -> list[str]:
    return [] if dialect == "hydra" else ["--config-root", CFG]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("cloud", CLOUDS)
def test_serverless_job_survives_the_sdk_round_trip(capsys: pytest.CaptureFixture[str],
                                                    cloud: str, dialect: str) -> None:
    common = ["--cloud", cloud, "--env", "prod", "--dialect", dialect, *root_args(dialect),
              "--maintain-layers", "silver,gold"]
    job = serverless(capsys, *common)
    assert JobSettings.from_dict(job).as_dict() == job
    settings = JobSettings.from_dict(job)
    (env,) = settings.environments
    assert (env.environment_key, env.spec.environment_version) == ("prodi", "2")
    assert env.spec.dependencies == [WHEEL]
    assert "job_clusters" not in job
    cluster_job = run(capsys, *common)[0]
    keys = [*LAYERS, "maintain_silver", "maintain_gold"]
    assert [t["task_key"] for t in job["tasks"]] == keys
    for task, on_cluster in zip(job["tasks"], cluster_job["tasks"], strict=True):
        assert task["environment_key"] == "prodi"
        assert not {"job_cluster_key", "libraries", "new_cluster"} & task.keys()
        assert task.get("depends_on") == on_cluster.get("depends_on")
        wheel_task, cluster_task = task["python_wheel_task"], on_cluster["python_wheel_task"]
        assert wheel_task["entry_point"] == cluster_task["entry_point"]
        # the cluster's PRODI_LOG_FORMAT=json travels as a parameter: serverless has no env vars
        assert wheel_task["parameters"] == [*cluster_task["parameters"], "log.format=json"]
    assert {k: v for k, v in job.items() if k not in ("environments", "tasks")} == \
        {k: v for k, v in cluster_job.items() if k not in ("job_clusters", "tasks")}


def test_cluster_stays_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    default, err = run(capsys, "--cloud", "azure", "--env", "prod")
    assert run(capsys, "--cloud", "azure", "--env", "prod", "--compute", "cluster")[0] == default
    assert "environments" not in default and default["job_clusters"]
    assert err == ""


def test_environment_version_reaches_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    job = serverless(capsys, "--cloud", "gcp", "--env", "prod", "--environment-version", "3")
    assert job["environments"][0]["spec"]["environment_version"] == "3"


def test_unused_cluster_config_is_named_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    _, err = run(capsys, "--cloud", "aws", "--env", "prod", "--compute", "serverless",
                 "--wheel", WHEEL)
    notes = err.splitlines()
    assert notes and all(n.startswith("prodi: note: serverless: conf/cloud/aws.yaml: ")
                         for n in notes)
    for key in ("cloud.databricks.spark_version", "cloud.databricks.node_type_id",
                "cloud.databricks.cluster_attributes.aws_attributes",
                "spark.hadoop.fs.s3a.aws.credentials.provider"):
        assert key in err


@pytest.mark.parametrize("dialect", DIALECTS)
def test_serverless_smoke_task_dry_runs_without_env_vars(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         isolated_run: Path, dialect: str) -> None:
    """A serverless task gets no spark_env_vars: its parameters alone make the smoke job a
    dry-run (called as Databricks calls a wheel task, config files in an emulated volume)."""
    from prodi.cli import main as cli

    job = serverless(capsys, "--cloud", "aws", "--env", "prod", "--dialect", dialect, "--smoke",
                     *root_args(dialect), "--maintain-layers", "silver")
    plain = serverless(capsys, "--cloud", "aws", "--env", "prod", "--dialect", dialect,
                       *root_args(dialect), "--maintain-layers", "silver")
    (task,) = [t for t in job["tasks"] if t["task_key"] == "maintain_silver"]
    params = task["python_wheel_task"]["parameters"]
    assert params == [*plain["tasks"][-1]["python_wheel_task"]["parameters"], "dry_run=true"]
    volume = isolated_run / "volume_cfg"
    shutil.copytree(REPO / "cfg", volume)
    monkeypatch.delenv("PRODI_LOG_FORMAT", raising=False)
    monkeypatch.setattr("sys.argv", ["prodi", *(p.replace(CFG, str(volume)) for p in params)])
    entry_point = getattr(cli, task["python_wheel_task"]["entry_point"].removeprefix("prodi-"))
    entry_point()  # a wheel task fails if it raises, even SystemExit(0)
    assert "DRY-RUN maintenance plan: layer=silver cloud=aws env=prod" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "names"), [
    (["--cloud", "aws", "--env", "prod", "--compute", "gpu"], "--compute"),
    (["--cloud", "aws", "--env", "prod", "--compute", "serverless"], "--wheel"),
    (["--cloud", "aws", "--env", "prod", "--compute", "serverless", "--wheel",
      "dbfs:/libs/prodi-0.2.0-py3-none-any.whl"], "--wheel: expected for --compute serverless"),
    (["--cloud", "aws", "--env", "prod", "--compute", "serverless", "--wheel",
      "s3://libs/prodi-0.2.0-py3-none-any.whl"], "--wheel"),
    (["--cloud", "aws", "--env", "prod", "--compute", "serverless", "--wheel",
      "/Volumes/main/prodi/libs/mvp-config-driven.whl"], "--wheel"),
    (["--cloud", "aws", "--env", "prod", "--compute", "serverless", "--wheel", WHEEL,
      "--dialect", "legacy"], "--config-root: expected for --compute serverless"),
    (["--cloud", "aws", "--env", "prod", "--compute", "serverless", "--wheel", WHEEL,
      "--dialect", "named", "--config-root", "dbfs:/Volumes/main/prodi/cfg"], "--config-root"),
    (["--cloud", "local", "--env", "dev", "--compute", "serverless", "--wheel", WHEEL],
     "--cloud: expected for --compute serverless"),
    (["--cloud", "aws", "--env", "prod", "--compute", "serverless", "--wheel", WHEEL,
      "--environment-version", "two"], "--environment-version"),
    (["--cloud", "aws", "--env", "prod", "--environment-version", "2"],
     "--environment-version: expected --compute serverless"),
])
def test_bad_serverless_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str],
                                                    args: list[str], names: str) -> None:
    assert names in fails(capsys, *args)


def test_serverless_bundle_holds_the_same_job(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    bundle = tmp_path / "bundle"
    job = serverless(capsys, "--cloud", "azure", "--env", "prod", "--bundle", str(bundle))
    resources = yaml.safe_load((bundle / "resources" / "prodi_job.yml").read_text())
    assert "--compute serverless" in (bundle / "databricks.yml").read_text().splitlines()[0]
    (bundled,) = resources["resources"]["jobs"].values()
    assert JobSettings.from_dict(bundled).as_dict() == bundled
    (wheel,) = bundled["environments"][0]["spec"]["dependencies"]
    assert (bundle / "resources" / wheel).resolve() == REPO / "dist" / Path(WHEEL).name
    bundled["environments"][0]["spec"]["dependencies"] = [WHEEL]
    assert bundled == job


def test_docs_excerpt_is_the_generated_job(capsys: pytest.CaptureFixture[str]) -> None:
    """The serverless section of docs/run/databricks.md shows a command and part of its output."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### Serverless or a job cluster"):]
    command = re.search(r"^(prodi databricks job .*)$", section, re.M)
    excerpt = re.search(r"```json\n(.*?)```", section, re.S)
    assert command and excerpt
    args = command.group(1).split()[3:]
    databricks_main(["job", *args])
    job = json.loads(capsys.readouterr().out)
    shown = json.loads(excerpt.group(1))
    assert shown["environments"] == job["environments"]
    assert shown["tasks"] == job["tasks"][:len(shown["tasks"])]
