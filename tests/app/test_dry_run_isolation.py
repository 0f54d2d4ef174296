"""A dry-run of any prod combination, in any dialect, starts no JVM and writes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PROD_FILES = sorted(REPO.glob("cfg/*/*.prod.yml"))
EXAMPLE_FILES = sorted(REPO.glob("cfg/*/example.yml"))

SCRIPT = """
import json, sys
from prodi.cli.main import main
for args in json.loads(sys.argv[1]):
    main(["run-layer", *args])
print("PYSPARK_LOADED=" + str("pyspark" in sys.modules))
"""


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def _run(invocations: list[list[str]], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PRODI_LAKEHOUSE": str(tmp_path / "lakehouse"),
               "PRODI_HYDRA_DIR": str(tmp_path / "hydra"), **env}
    return subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(invocations)], cwd=tmp_path,
                          env=environ, capture_output=True, text=True, timeout=300)


def test_forced_dry_run_of_every_prod_file_and_dialect_loads_no_spark(tmp_path):
    lakehouse = tmp_path / "lakehouse"
    (lakehouse / "silver" / "orders").mkdir(parents=True)
    (lakehouse / "silver" / "orders" / "part-0.parquet").write_bytes(b"untouched")
    before = _tree_digest(lakehouse)
    invocations = []
    for f in PROD_FILES:
        layer = f.parent.name
        invocations.append(["--layer", layer, "--config", str(f)])
        if f.name.startswith("aws"):  # the other two dialects, once per layer
            invocations += [[f"--layer={layer}", f"--config={f}"],
                            [layer, "-c", str(f), "dry_run=false", "--env=prod"]]
    for layer in ("raw", "bronze", "silver", "gold"):
        for cloud in ("aws", "azure", "gcp"):
            invocations.append([f"layer={layer}", f"cloud={cloud}", "env=prod"])
    result = _run(invocations, tmp_path, PRODI_FORCE_DRY_RUN="yes")
    assert result.returncode == 0, result.stderr
    assert "PYSPARK_LOADED=False" in result.stdout
    assert result.stdout.count("DRY-RUN plan") == len(invocations)
    assert _tree_digest(lakehouse) == before


def test_dbfs_paths_are_read_under_the_dbfs_root(tmp_path):
    dbfs = tmp_path / "dbfs"
    (dbfs / "cfg" / "raw").mkdir(parents=True)
    (dbfs / "cfg" / "raw" / "aws.prod.yml").write_text((REPO / "cfg/raw/aws.prod.yml").read_text())
    result = _run([["--layer", "raw", "--config", "dbfs:/cfg/raw/aws.prod.yml",
                    "plan_format=json"]], tmp_path, PRODI_FORCE_DRY_RUN="1",
                  PRODI_DBFS_ROOT=str(dbfs))
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout[result.stdout.index("{"):result.stdout.rindex("}") + 1])
    assert plan["cloud"] == "aws" and plan["env"] == "prod"
    assert plan["datasets"][0]["writes"].startswith("s3a://prodi-lakehouse-prod/raw/")


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.parent.name)
def test_example_files_are_dry_runs_as_shipped(path, tmp_path):
    result = _run([[path.parent.name, "-c", str(path)]], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "dry-run because: " + str(path) in result.stdout
