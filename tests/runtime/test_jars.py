"""Where the Delta jars come from: an offline folder, Ivy's earlier download, or Maven Central."""

from __future__ import annotations

import pytest

from prodi.runtime.jars import DELTA_ARTIFACTS, delta_jar_source


def _touch_all(folder, ivy_style: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for group, artifact, version in DELTA_ARTIFACTS:
        name = f"{group}_{artifact}-{version}.jar" if ivy_style else f"{artifact}-{version}.jar"
        (folder / name).write_bytes(b"jar")


def test_offline_folder_wins(tmp_path):
    _touch_all(tmp_path / "jars", ivy_style=False)
    source = delta_jar_source(str(tmp_path / "jars"), ivy_home=tmp_path / "ivy")
    assert source.conf_key == "spark.jars" and source.value.count(".jar") == len(DELTA_ARTIFACTS)


def test_offline_folder_missing_a_jar_is_an_error_naming_it(tmp_path):
    (tmp_path / "jars").mkdir()
    with pytest.raises(FileNotFoundError, match="delta-spark_2.12-3.3.2.jar.*make jars"):
        delta_jar_source(str(tmp_path / "jars"), ivy_home=tmp_path / "ivy")


def test_ivy_cache_then_maven_central(tmp_path):
    assert delta_jar_source(None, ivy_home=tmp_path / "ivy").conf_key == "spark.jars.packages"
    _touch_all(tmp_path / "ivy" / "jars", ivy_style=True)
    assert delta_jar_source(None, ivy_home=tmp_path / "ivy").conf_key == "spark.jars"
