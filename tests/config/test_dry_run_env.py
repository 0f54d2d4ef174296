"""PRODI_FORCE_DRY_RUN, `dry_run=` and the config file decide a dry-run; the plan says why.

The real-run side of each decision is checked through `load()` only. The CLI runs dry-runs
only, and a guard fails the test instead of starting Spark if a run ever asks for a session.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from omegaconf import DictConfig

from prodi.cli.main import main
from prodi.config.compose import composer
from prodi.config.load import load

REPO = Path(__file__).resolve().parents[2]
TRUTHY = ["1", "true", "TRUE", "yes", "On", " on "]
FALSY = [None, "", "0", "false", "no", "off", "OFF", "False"]
LEGACY_DRY = REPO / "cfg" / "silver" / "example.yml"  # `dry_run: true`


@pytest.fixture(autouse=True)
def no_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("a real run was attempted (Spark session requested)")

    monkeypatch.setattr("prodi.engine.session.open_session", boom)


@cache
def composed(overrides: tuple[str, ...]) -> DictConfig:
    """Composed once per override list; `load()` works on a copy and the env is separate."""
    with composer() as c:
        return c.compose(list(overrides))


def decision(overrides: list[str], force: str | None):
    environ = {} if force is None else {"PRODI_FORCE_DRY_RUN": force}
    return load(composed(tuple(overrides)), overrides, environ=environ).dry_run


def run_cli(args: list[str], force: str | None, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """`prodi run-layer *args` with PRODI_FORCE_DRY_RUN set (or unset); stdout and stderr."""
    if force is None:
        monkeypatch.delenv("PRODI_FORCE_DRY_RUN", raising=False)
    else:
        monkeypatch.setenv("PRODI_FORCE_DRY_RUN", force)
    main(["run-layer", *args])  # returns normally on success
    return capsys.readouterr()


# --- the decision, through load() -----------------------------------------------------------

@pytest.mark.parametrize("value", TRUTHY)
def test_truthy_env_forces_dry_run_over_dry_run_false(value: str) -> None:
    d = decision(["layer=silver", "dry_run=false"], value)
    assert d.enabled is True
    assert d.cause == f"environment PRODI_FORCE_DRY_RUN={value}"


@pytest.mark.parametrize("value", FALSY)
def test_falsy_or_unset_env_does_not_force(value: str | None) -> None:
    d = decision(["layer=silver", "dry_run=false"], value)
    assert d.enabled is False
    assert d.cause == ""


@pytest.mark.parametrize("value", FALSY)
def test_falsy_env_keeps_an_explicit_dry_run(value: str | None) -> None:
    d = decision(["layer=silver", "dry_run=true"], value)
    assert d.enabled is True
    assert d.cause == "command-line override 'dry_run=true'"


def test_env_group_default_is_not_a_dry_run() -> None:
    for env in ("dev", "staging", "prod"):
        assert decision(["layer=gold", f"env={env}"], None).enabled is False


def test_legacy_file_dry_run_names_the_file() -> None:
    d = decision([f"legacy_config='{LEGACY_DRY}'", "layer=silver"], None)
    assert d.enabled is True
    assert d.cause == str(LEGACY_DRY)


def test_command_line_beats_the_legacy_file() -> None:
    d = decision([f"legacy_config='{LEGACY_DRY}'", "layer=silver", "dry_run=false"], None)
    assert d.enabled is False


# --- the CLI: plan on stdout, reason on stderr ----------------------------------------------

@pytest.mark.parametrize("value", ["TRUE", "On"])  # 1 and yes: the JSON tests below
def test_cli_forced_dry_run_prints_text_plan(value: str, sandbox: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run_cli(["layer=silver", "dry_run=false"], value, monkeypatch, capsys)

    assert out.startswith("DRY-RUN plan: layer=silver cloud=local env=dev pipeline=demo")
    assert f"dry-run because: environment PRODI_FORCE_DRY_RUN={value}" in out
    assert "  - orders" in out and "  - customers" in out
    assert "DRY-RUN" in err and f"because: environment PRODI_FORCE_DRY_RUN={value}" in err
    assert not (sandbox / "lh").exists()


def test_cli_forced_dry_run_prints_json_plan(sandbox: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run_cli(["layer=gold", "dry_run=false", "plan_format=json"], "1", monkeypatch,
                       capsys)

    plan = json.loads(out)
    assert plan["layer"] == "gold"
    assert [d["dataset"] for d in plan["datasets"]] == [
        "daily_revenue", "revenue_by_country", "revenue_by_country_at_order", "revenue_by_category"]
    assert plan["dry_run_cause"] == "environment PRODI_FORCE_DRY_RUN=1"
    assert "DRY-RUN" in err and "PRODI_FORCE_DRY_RUN" in err
    assert not (sandbox / "lh").exists()


@pytest.mark.parametrize("value", [None, "0"])
def test_cli_override_is_the_cause_when_env_does_not_force(
        value: str | None, sandbox: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run_cli(["layer=bronze", "dry_run=true", "plan_format=json"], value, monkeypatch,
                       capsys)

    plan = json.loads(out)
    assert plan["dry_run_cause"] == "command-line override 'dry_run=true'"
    assert {d["dataset"] for d in plan["datasets"]} == {"orders", "customers", "products"}
    assert "DRY-RUN (because: command-line override 'dry_run=true')" in err
    assert "PRODI_FORCE_DRY_RUN" not in err


@pytest.mark.parametrize("args", [
    pytest.param(["--dry-run", "--layer", "raw"], id="wheel-flag"),
    pytest.param(["--dry-run=yes", "--layer=raw"], id="named-parameter"),
])
def test_cli_dry_run_flag(args: list[str], sandbox: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run_cli(args, None, monkeypatch, capsys)
    assert "dry-run because: command-line override 'dry_run=true'" in out
    assert "DRY-RUN" in err


def test_cli_legacy_file_is_the_cause(sandbox: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run_cli(["silver", "-c", str(LEGACY_DRY)], None, monkeypatch, capsys)

    assert f"dry-run because: {LEGACY_DRY}" in out
    assert f"DRY-RUN (because: {LEGACY_DRY})" in err


def test_cli_env_forces_a_prod_legacy_file(sandbox: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The documented prod check: cfg/raw/aws.prod.yml says `dry_run: false`."""
    prod = REPO / "cfg" / "raw" / "aws.prod.yml"
    out, err = run_cli(["--layer", "raw", "--config", str(prod), "plan_format=json",
                        "log.format=text"], "yes", monkeypatch, capsys)

    plan = json.loads(out)
    assert (plan["cloud"], plan["env"]) == ("aws", "prod")
    assert plan["dry_run_cause"] == "environment PRODI_FORCE_DRY_RUN=yes"
    assert all(d["writes"].startswith("s3a://prodi-lakehouse-prod/raw/") for d in plan["datasets"])
    assert "DRY-RUN" in err
