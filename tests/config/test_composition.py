"""Every layer x cloud x env of the packaged tree composes and validates, without a JVM.

The 48 `composer` + `load` checks run in a fresh interpreter (so "no Spark imported" means
something even when other tests loaded it here), started when this module's first test runs;
`prodi validate` runs in-process meanwhile, and the per-combination tests collect the results.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodi.app.validate_all import group_options
from prodi.cli.main import main
from prodi.config.layers import layer_catalog

LAYERS = layer_catalog().names()
CLOUDS = ["aws", "azure", "gcp", "local"]
ENVS = ["dev", "prod", "staging"]
COMBOS = list(itertools.product(LAYERS, CLOUDS, ENVS))

MATRIX_SCRIPT = """
import json, sys
from prodi.config.compose import composer
from prodi.config.load import load

combos = json.loads(sys.argv[1])
results = {}
with composer() as c:
    for layer, cloud, env in combos:
        overrides = [f"layer={layer}", f"cloud={cloud}", f"env={env}"]
        try:
            loaded = load(c.compose(overrides), overrides, environ={})
        except Exception as exc:
            results["-".join((layer, cloud, env))] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        app = loaded.app
        results["-".join((layer, cloud, env))] = {
            "names": [app.layer.name, app.cloud.name, app.env.name],
            "pipeline": app.pipeline.name, "dry_run": loaded.dry_run.enabled,
            "choices": loaded.origins.choices, "root": app.cloud.storage.root,
        }
spark = sorted(m for m in sys.modules if m.split(".")[0] in ("pyspark", "py4j", "delta"))
print(json.dumps({"results": results, "spark_modules": spark}))
"""


@pytest.fixture(scope="module", autouse=True)
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Start the 48 checks in the background; tests that need them call `collect()`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODI_")}
    env["PRODI_LAKEHOUSE"] = str(tmp_path_factory.mktemp("lh") / "lakehouse")
    proc = subprocess.Popen([sys.executable, "-c", MATRIX_SCRIPT, json.dumps(COMBOS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=tmp_path_factory.mktemp("cwd"))
    state: dict = {}

    def collect() -> dict:
        if not state:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            state.update(json.loads(out))
        return state

    yield {"collect": collect}
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


def test_the_matrix_is_what_the_tree_holds() -> None:
    assert group_options("layer") == sorted(LAYERS)
    assert group_options("cloud") == CLOUDS
    assert group_options("env") == ENVS
    assert len(COMBOS) == 48


# --- `prodi validate` (in-process, while the matrix runs in the background) -----------------

def test_prodi_validate_prints_48_ok_rows(sandbox: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate"])  # returns normally when every combination is valid

    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()]
    ok = [r for r in rows if len(r) >= 4 and r[3] == "ok"]
    assert len(ok) == 48
    assert sorted((r[0], r[1], r[2]) for r in ok) == sorted(COMBOS)
    assert "48 valid, 0 invalid" in out
    assert "INVALID" not in out


def test_prodi_validate_unknown_env_exits_2(sandbox: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--envs", "nope"])

    assert exc.value.code == 2
    out = capsys.readouterr().out
    assert "env: expected one of: dev, prod, staging, got 'nope'" in out
    assert "0 valid, 16 invalid" in out


def test_prodi_validate_with_a_broken_override_exits_2(
        sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--clouds", "local", "--envs", "dev", "run.date=2026-02-30"])

    assert exc.value.code == 2
    out = capsys.readouterr().out
    assert "0 valid, 4 invalid" in out and "run.date" in out


# --- composer + load, per combination --------------------------------------------------------

@pytest.mark.parametrize(("layer", "cloud", "env"), COMBOS,
                         ids=["-".join(c) for c in COMBOS])
def test_combination_composes_and_validates(matrix: dict, layer: str, cloud: str,
                                            env: str) -> None:
    result = matrix["collect"]()["results"]["-".join((layer, cloud, env))]

    assert "error" not in result, result.get("error")
    assert result["names"] == [layer, cloud, env]
    assert result["pipeline"] == "demo"
    assert result["dry_run"] is False
    assert result["choices"]["cloud"] == cloud
    if cloud != "local":
        assert env in result["root"]  # e.g. s3a://prodi-lakehouse-prod


def test_composing_and_loading_imports_no_spark(matrix: dict) -> None:
    assert matrix["collect"]()["spark_modules"] == []
