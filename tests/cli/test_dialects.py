"""Every invocation dialect of the seed and of Databricks maps to the same Hydra overrides."""

from __future__ import annotations

import subprocess
import sys

import pytest

from prodi.cli.dialects import translate
from prodi.model.errors import ConfigError
from tests.conftest import REPO

AWS_RAW = str(REPO / "cfg" / "raw" / "aws.prod.yml")


@pytest.mark.parametrize("argv", [
    ["--layer", "raw", "--config", AWS_RAW],
    ["--layer=raw", f"--config={AWS_RAW}"],
    ["raw", "-c", AWS_RAW],
    ["", "--layer", "raw", "", "--config", AWS_RAW, ""],  # Databricks passes empty parameters
], ids=["spaced", "named", "positional", "with-empty-params"])
def test_legacy_dialects_select_the_files_groups(argv):
    inv = translate(argv)
    assert inv.overrides[:2] == ["cloud=aws", "env=prod"]
    assert f"legacy_config='{AWS_RAW}'" in inv.overrides
    assert "layer=raw" in inv.overrides


def test_command_line_beats_the_file():
    inv = translate(["--layer", "raw", "--config", AWS_RAW, "--env", "dev", "dry_run=true"])
    assert "env=prod" not in inv.overrides and "env=dev" in inv.overrides
    assert inv.overrides[-1] == "dry_run=true"


@pytest.mark.parametrize(("argv", "expected"), [
    (["--env", "prod"], ["env=prod"]),
    (["--env=prod"], ["env=prod"]),
    (["--cloud", "gcp", "--dry-run"], ["cloud=gcp", "dry_run=true"]),
    (["--dry-run=false"], ["dry_run=false"]),
    (["--run-date", "2026-01-02"], ["run.date=2026-01-02"]),
    (["--datasets", "orders, customers"], ["datasets=[orders,customers]"]),
    (["run.date=2026-01-03", "+x=1", "~y"], ["run.date=2026-01-03", "+x=1", "~y"]),
])
def test_flags_map_to_overrides(argv, expected):
    assert translate(argv).overrides == expected


def test_hydra_flags_pass_through_and_c_job_is_cfg():
    inv = translate(["layer=raw", "-c", "job", "--resolve", "-m", "-cd", "/tmp/conf"])
    assert inv.hydra_flags == ["--cfg", "job", "--resolve", "-m", "-cd", "/tmp/conf"]
    assert inv.legacy_config is None


@pytest.mark.parametrize("argv", [["--bogus"], ["platinum"], ["raw", "bronze"], ["--layer"],
                                  ["--dry-run=maybe"], ["--config"]])
def test_bad_invocations_are_config_errors(argv):
    with pytest.raises(ConfigError):
        translate(argv)


def test_help_imports_neither_spark_nor_hydra():
    code = ("import sys; from prodi.cli.main import main; main(['--help']); "
            "main(['run-layer', '--help']); "
            "assert not {'pyspark', 'hydra', 'delta'} & set(sys.modules), sys.modules.keys()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Legacy / Databricks dialect" in result.stdout and "Hydra dialect" in result.stdout
