"""`prodi databricks job`: Jobs API 2.1 settings from the config tree, checked by databricks-sdk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from databricks.sdk.service.jobs import JobSettings

from prodi.cli.databricks import databricks_main
from prodi.config.compose import composer
from prodi.config.load import load
from prodi.deploy.bundle import WHEEL_BUILD
from prodi.deploy.notifications import FailureNotifications, from_config
from prodi.deploy.parameters import DIALECTS
from prodi.model.schema.app import FailureNotificationsSpec

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "docs" / "run" / "jobs" / "databricks_v020.json"
CLOUDS = ("aws", "azure", "gcp")
LAYERS = ["raw", "bronze", "silver", "gold"]
WHEEL = "dbfs:/libs/prodi-0.2.0-py3-none-any.whl"


def generate(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """Run `prodi databricks job ARGS` and parse the JSON it prints."""
    databricks_main(["job", *args])
    return json.loads(capsys.readouterr().out)


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run `prodi databricks ARGS`, require exit 2, return the error message."""
    with pytest.raises(SystemExit) as exc:
        databricks_main(list(args))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("prodi: error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("cloud", CLOUDS)
def test_job_survives_the_sdk_round_trip(capsys: pytest.CaptureFixture[str], cloud: str,
                                         dialect: str) -> None:
    job = generate(capsys, "--cloud", cloud, "--env", "prod", "--dialect", dialect)
    assert JobSettings.from_dict(job).as_dict() == job
    assert job["name"] == f"prodi-{cloud}-prod"
    (cluster,) = job["job_clusters"]
    assert cluster["job_cluster_key"] == "shared_cluster"
    new = cluster["new_cluster"]
    assert new["spark_version"] == "15.4.x-scala2.12"
    assert new["num_workers"] == 2
    assert f"{cloud}_attributes" in new
    assert "PRODI_FORCE_DRY_RUN" not in new["spark_env_vars"]
    assert [t["task_key"] for t in job["tasks"]] == LAYERS
    for previous, task in zip([None, *LAYERS[:-1]], job["tasks"], strict=True):
        assert task.get("depends_on", []) == ([{"task_key": previous}] if previous else [])
        assert task["job_cluster_key"] == "shared_cluster"
        assert "wheel_task" not in task
        wheel_task = task["python_wheel_task"]
        assert (wheel_task["package_name"], wheel_task["entry_point"]) == ("prodi", "run-layer")
        assert task["libraries"] == [{"whl": WHEEL}]
    raw = job["tasks"][0]["python_wheel_task"]["parameters"]
    assert raw == {
        "hydra": ["layer=raw", "cloud=" + cloud, "env=prod"],
        "legacy": ["--layer", "raw", "--config", f"dbfs:/cfg/raw/{cloud}.prod.yml"],
        "named": ["--layer=raw", f"--config=dbfs:/cfg/raw/{cloud}.prod.yml"],
    }[dialect]


def test_committed_job_json_is_the_generated_one(capsys: pytest.CaptureFixture[str]) -> None:
    databricks_main(["job", "--cloud", "aws", "--env", "prod", "--dialect", "legacy"])
    assert capsys.readouterr().out == COMMITTED.read_text(encoding="utf-8"), (
        "regenerate with: prodi databricks job --cloud aws --env prod --dialect legacy "
        f"--output {COMMITTED.relative_to(REPO)}")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_maintain_tasks_run_after_the_chain(capsys: pytest.CaptureFixture[str], dialect: str
                                            ) -> None:
    job = generate(capsys, "--cloud", "aws", "--env", "prod", "--dialect", dialect,
                   "--maintain-layers", "gold, silver")
    assert JobSettings.from_dict(job).as_dict() == job
    assert [t["task_key"] for t in job["tasks"]] == [*LAYERS, "maintain_silver", "maintain_gold"]
    chain = {t["task_key"]: t for t in job["tasks"][:4]}
    for layer, task in zip(("silver", "gold"), job["tasks"][4:], strict=True):
        assert task["depends_on"] == [{"task_key": "gold"}]  # after every layer has run
        wheel_task = task["python_wheel_task"]
        assert (wheel_task["package_name"], wheel_task["entry_point"]) == ("prodi", "prodi-maintain")
        # the same parameters as the layer's own task: the maintain CLI reads every dialect
        assert wheel_task["parameters"] == chain[layer]["python_wheel_task"]["parameters"]
        assert task["libraries"] == chain[layer]["libraries"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_maintain_tasks_return_normally_as_a_wheel_task(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        isolated_run: Path, dialect: str) -> None:
    """The entry point called as Databricks does (sys.argv = the parameters), in a smoke job."""
    import shutil

    from prodi.cli import main as cli

    job = generate(capsys, "--cloud", "aws", "--env", "prod", "--dialect", dialect, "--smoke",
                   "--maintain-layers", "silver")
    (task,) = [t for t in job["tasks"] if t["task_key"] == "maintain_silver"]
    shutil.copytree(REPO / "cfg", isolated_run / "dbfs" / "cfg")
    monkeypatch.setenv("PRODI_DBFS_ROOT", str(isolated_run / "dbfs"))
    for key, value in job["job_clusters"][0]["new_cluster"]["spark_env_vars"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("sys.argv", ["prodi", *task["python_wheel_task"]["parameters"]])
    entry_point = getattr(cli, task["python_wheel_task"]["entry_point"].removeprefix("prodi-"))
    entry_point()  # a wheel task fails if it raises, even SystemExit(0)
    assert "DRY-RUN maintenance plan: layer=silver cloud=aws env=prod" in capsys.readouterr().out


def test_output_file_matches_stdout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    printed = generate(capsys, "--cloud", "azure", "--env", "prod")
    databricks_main(["job", "--cloud", "azure", "--env", "prod", "-o", str(tmp_path / "j.json")])
    assert json.loads((tmp_path / "j.json").read_text()) == printed


def test_smoke_forces_dry_run_on_the_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    job = generate(capsys, "--cloud", "aws", "--env", "prod", "--smoke")
    assert job["job_clusters"][0]["new_cluster"]["spark_env_vars"]["PRODI_FORCE_DRY_RUN"] == "1"
    assert job["name"] == "prodi-aws-prod-smoke"


def test_options_reach_the_job(capsys: pytest.CaptureFixture[str]) -> None:
    wheel = "/Volumes/main/prodi/libs/prodi-0.2.0-py3-none-any.whl"
    job = generate(capsys, "--cloud", "gcp", "--env", "staging", "--dialect", "named",
                   "--wheel", wheel, "--config-root", "/Volumes/main/prodi/cfg/",
                   "--notify-email", "oncall@example.com", "--notify-email", "oncall@example.com",
                   "--notify-webhook", "0a1b-2c3d")
    assert JobSettings.from_dict(job).as_dict() == job
    assert job["name"] == "prodi-gcp-staging"
    assert job["email_notifications"] == {"on_failure": ["oncall@example.com"]}
    assert job["webhook_notifications"] == {"on_failure": [{"id": "0a1b-2c3d"}]}
    assert job["tasks"][3]["python_wheel_task"]["parameters"] == [
        "--layer=gold", "--config=/Volumes/main/prodi/cfg/gold/gcp.staging.yml"]
    assert job["tasks"][0]["libraries"] == [{"whl": wheel}]
    # Only DBFS-root libraries need the DBR 15+ opt-in.
    assert "spark_conf" not in job["job_clusters"][0]["new_cluster"]
    gcp = job["job_clusters"][0]["new_cluster"]["gcp_attributes"]
    assert gcp["google_service_account"].startswith("prodi-staging@")


def test_notifications_from_config_merge_with_flags() -> None:
    spec = FailureNotificationsSpec(emails=("a@x.io",), webhooks=("w1",))
    flags = FailureNotifications(emails=("b@x.io", "a@x.io"))
    merged = flags.merged(from_config(spec))
    assert merged.job_settings() == {
        "email_notifications": {"on_failure": ["b@x.io", "a@x.io"]},
        "webhook_notifications": {"on_failure": [{"id": "w1"}]},
    }
    assert from_config(FailureNotificationsSpec()).job_settings() == {}


def test_notifications_come_from_the_typed_env_config() -> None:
    overrides = ["layer=raw", "cloud=aws", "env=prod",
                 "env.databricks.on_failure.emails=[oncall@example.com]"]
    with composer() as c:
        loaded = load(c.compose(overrides), overrides, environ={})
    assert from_config(loaded.app.env.databricks.on_failure).job_settings() == {
        "email_notifications": {"on_failure": ["oncall@example.com"]}}


@pytest.mark.parametrize(("args", "names"), [
    (["--cloud", "nimbus", "--env", "prod"], "cloud"),
    (["--cloud", "aws", "--env", "qa"], "env"),
    (["--cloud", "local", "--env", "dev"], "cloud.databricks.spark_version"),
    (["--cloud", "aws", "--env", "prod", "--wheel", "dbfs:/libs/mvp-config-driven.whl"], "--wheel"),
    (["--cloud", "aws", "--env", "prod", "--wheel", "dist/prodi-0.2.0-py3-none-any.whl"],
     "--wheel"),
    (["--cloud", "aws", "--env", "prod", "--dialect", "legacy", "--config-root", "cfg"],
     "--config-root"),
    (["--cloud", "aws", "--env", "prod", "--config-root", "dbfs:/cfg"], "--config-root"),
    (["--cloud", "aws", "--env", "prod", "--dialect", "yaml"], "--dialect"),
    (["--cloud", "aws", "--env", "prod", "--notify-email", "oncall"], "--notify-email"),
    (["--cloud", "aws"], "--env"),
    (["--cloud", "aws", "--env", "prod", "--maintain-layers", "silver,platinum"],
     "--maintain-layers"),
])
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str],
                                         names: str) -> None:
    assert names in fails(capsys, "job", *args)


def test_missing_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        databricks_main([])
    assert exc.value.code == 2
    assert "expected a command: job" in capsys.readouterr().err


def test_bundle_holds_the_same_job(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    bundle = tmp_path / "bundle"
    job = generate(capsys, "--cloud", "aws", "--env", "prod", "--dialect", "legacy",
                   "--bundle", str(bundle))
    root = yaml.safe_load((bundle / "databricks.yml").read_text())
    resources = yaml.safe_load((bundle / "resources" / "prodi_job.yml").read_text())
    assert root["bundle"]["name"] == "prodi-aws"
    assert root["include"] == ["resources/prodi_job.yml"]
    assert root["targets"]["prod"]["mode"] == "production"
    artifact = root["artifacts"]["prodi_wheel"]
    assert (artifact["type"], artifact["build"]) == ("whl", WHEEL_BUILD)
    assert (bundle / artifact["path"]).resolve() == REPO
    (bundled,) = resources["resources"]["jobs"].values()
    assert JobSettings.from_dict(bundled).as_dict() == bundled
    wheel = bundled["tasks"][0]["libraries"][0]["whl"]
    assert (bundle / "resources" / wheel).resolve() == REPO / "dist" / Path(WHEEL).name
    for task in [*bundled["tasks"], *job["tasks"]]:
        task.pop("libraries")
    job["job_clusters"][0]["new_cluster"].pop("spark_conf")  # the DBFS-root library opt-in
    assert bundled == job


def test_bundle_needs_the_project_root(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    err = fails(capsys, "job", "--cloud", "aws", "--env", "prod", "--bundle", "b")
    assert "--bundle" in err and "pyproject.toml" in err
    assert not (tmp_path / "b").exists()
