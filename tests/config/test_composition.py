"""Every layer x cloud x env of the packaged tree composes and validates, without a JVM."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodi.app.validate_all import group_options
from prodi.cli.main import main
from prodi.config.compose import Composer, composer
from prodi.config.load import load
from prodi.config.schema.app import LAYER_ORDER

LAYERS = list(LAYER_ORDER)
CLOUDS = ["aws", "azure", "gcp", "local"]
ENVS = ["dev", "prod", "staging"]
COMBOS = list(itertools.product(LAYERS, CLOUDS, ENVS))


def test_the_matrix_is_what_the_tree_holds() -> None:
    assert group_options("layer") == sorted(LAYERS)
    assert group_options("cloud") == CLOUDS
    assert group_options("env") == ENVS
    assert len(COMBOS) == 48


@pytest.fixture
def compose() -> Iterator[Composer]:
    # Function-scoped: `prodi validate` and the CLI re-initialise Hydra's global state.
    with composer() as c:
        yield c


@pytest.mark.parametrize(("layer", "cloud", "env"), COMBOS,
                         ids=["-".join(c) for c in COMBOS])
def test_combination_composes_and_validates(compose: Composer, layer: str, cloud: str,
                                            env: str) -> None:
    overrides = [f"layer={layer}", f"cloud={cloud}", f"env={env}"]
    loaded = load(compose.compose(overrides), overrides, environ={})

    app = loaded.app
    assert (app.layer.name, app.cloud.name, app.env.name) == (layer, cloud, env)
    assert app.pipeline.name == "demo"
    assert loaded.dry_run.enabled is False
    assert loaded.origins.choices["cloud"] == cloud
    if cloud != "local":
        assert app.cloud.storage.root.endswith(env)  # e.g. s3a://prodi-lakehouse-prod


def test_loading_every_layer_imports_no_spark() -> None:
    """In a fresh interpreter (this one may have Spark loaded by other tests)."""
    script = (
        "import sys\n"
        "from prodi.config.compose import composer\n"
        "from prodi.config.load import load\n"
        "with composer() as c:\n"
        "    for layer in ('raw', 'bronze', 'silver', 'gold'):\n"
        "        o = [f'layer={layer}', 'cloud=aws', 'env=prod']\n"
        "        load(c.compose(o), o, environ={})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j', 'delta')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_prodi_validate_prints_48_ok_rows(sandbox: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate"])  # returns normally when every combination is valid

    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()]
    ok = [r for r in rows if len(r) >= 4 and r[3] == "ok"]
    assert sorted((r[0], r[1], r[2]) for r in ok) == sorted(COMBOS)
    assert "48 valid, 0 invalid" in out
    assert "INVALID" not in out


def test_prodi_validate_subset(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "--layers", "silver,gold", "--clouds", "local", "--envs", "prod"])
    assert "2 valid, 0 invalid" in capsys.readouterr().out


def test_prodi_validate_unknown_env_exits_2(sandbox: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--envs", "nope"])

    assert exc.value.code == 2
    out = capsys.readouterr().out
    assert "env: expected one of: dev, prod, staging, got 'nope'" in out
    assert "0 valid, 16 invalid" in out
    assert " ok " not in out


def test_prodi_validate_with_a_broken_override_exits_2(
        sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--clouds", "local", "--envs", "dev", "run.date=2026-02-30"])

    assert exc.value.code == 2
    out = capsys.readouterr().out
    assert "0 valid, 4 invalid" in out and "run.date" in out
