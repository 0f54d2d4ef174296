"""`prodi init`: what it creates, what it refuses, and that the project's config is valid. No JVM."""

from __future__ import annotations

import subprocess
import sys

import pytest

from prodi.app.init_project import init_project, pipeline_name
from prodi.app.validate_all import validate_all
from prodi.cli.main import main


def test_init_creates_a_project_named_after_its_folder(tmp_path, capsys):
    target = tmp_path / "My-Shop"
    main(["init", str(target)])
    out = capsys.readouterr().out
    made = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert made == [".gitignore", "Makefile", "README.md", "conf/cloud/my_shop_azure.yaml",
                    "conf/env/my_shop_dev.yaml", "conf/pipeline/my_shop.yaml",
                    "data/landing/sales/sales_2026-01-01.csv",
                    "data/landing/sales/sales_2026-01-02.csv", "pytest.ini",
                    "tests/golden/revenue_by_store.csv", "tests/test_layers.py"]
    assert all(f"  {name}\n" in out for name in made)
    assert "make demo" in out and "make test" in out and f"cd {target}" in out
    for path in target.rglob("*"):
        if path.is_file():
            assert "__project__" not in path.read_text() and "__delta_package__" not in path.read_text()
    assert "io.delta:delta-spark_2.12:3.3.2" in (target / "pytest.ini").read_text()
    assert "pipeline=my_shop env=my_shop_dev" in (target / "pytest.ini").read_text()
    # make wants its recipes indented with tabs
    assert "\n\tcp -Rp data/landing/. " in (target / "Makefile").read_text()


def test_the_test_session_gets_the_delta_jar_of_the_installed_spark_line(tmp_path, monkeypatch):
    from prodi.app import init_project as init
    from prodi.runtime.jars import SparkDeltaMismatchError, delta_artifacts

    monkeypatch.setattr(init, "installed_delta_artifacts", lambda: delta_artifacts("4.0.1", "4.0.1"))
    ini = (init_project(tmp_path / "four").root / "pytest.ini").read_text()
    assert "spark.jars.packages: io.delta:delta-spark_2.13:4.0.1\n" in ini

    def no_spark():
        raise SparkDeltaMismatchError("a local Spark session needs pyspark")

    monkeypatch.setattr(init, "installed_delta_artifacts", no_spark)
    ini = (init_project(tmp_path / "none").root / "pytest.ini").read_text()
    assert "spark.jars.packages: io.delta:delta-spark_2.12:3.3.2\n" in ini  # the `spark` extra's


def test_every_key_of_the_pipeline_file_is_commented(tmp_path):
    project = init_project(tmp_path / "p")
    lines = (project.root / "conf" / "pipeline" / "p.yaml").read_text().splitlines()
    sql = next(i for i, line in enumerate(lines) if line.strip().startswith("sql: |"))
    keyed = [line for line in lines[:sql + 1]  # list items are values, not keys
             if ":" in line and not line.lstrip().startswith(("#", "-"))]
    assert len(keyed) >= 15 and [line for line in keyed if " # " not in line] == []


@pytest.mark.parametrize("content", ["file", "folder"])
def test_init_refuses_a_folder_that_is_not_empty_and_changes_nothing(tmp_path, capsys, content):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine") if content == "file" else (target / "sub").mkdir()
    with pytest.raises(SystemExit) as exc:
        main(["init", str(target)])
    assert exc.value.code == 2
    assert f"{target} is not empty" in capsys.readouterr().err
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt" if content == "file" else "sub"]


def test_init_writes_into_an_empty_folder_and_takes_a_name(tmp_path):
    (tmp_path / "empty").mkdir()
    project = init_project(tmp_path / "empty", "shop")
    assert project.name == "shop" and (tmp_path / "empty" / "conf" / "pipeline" / "shop.yaml").is_file()


@pytest.mark.parametrize(("folder", "name", "expected"), [
    ("my-shop", None, "my_shop"), ("Sales 2026", None, "sales_2026"), ("2026", None, "pipeline"),
    ("x", "orders", "orders")])
def test_the_pipeline_name_is_an_identifier(tmp_path, folder, name, expected):
    assert pipeline_name(tmp_path / folder, name) == expected


def test_a_bad_name_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["init", str(tmp_path / "p"), "--name", "My-Shop"])
    assert exc.value.code == 2 and "--name 'My-Shop'" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_the_project_config_composes_over_prodi_and_validates(tmp_path):
    project = init_project(tmp_path / "shop")
    results = validate_all(None, ["local", "shop_azure"], ["shop_dev", "prod"], ["pipeline=shop"],
                           environ={}, config_dir=str(project.root / "conf"))
    assert [r.message for r in results if not r.ok] == []
    assert len(results) == 16  # 4 layers x 2 clouds x 2 envs


def test_init_help(capsys):
    main(["init", "--help"])
    assert "usage: prodi init <dir>" in capsys.readouterr().out
    main(["--help"])
    assert "  init  " in capsys.readouterr().out


def test_init_starts_light(tmp_path):
    code = (f"import sys; from prodi.cli.main import main; main(['init', {str(tmp_path / 'p')!r}]); "
            "assert not {'pyspark', 'py4j', 'hydra', 'omegaconf'} & "
            "{m.split('.')[0] for m in sys.modules}, sorted(sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p" / "Makefile").is_file()
