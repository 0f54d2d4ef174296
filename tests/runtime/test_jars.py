"""Where the jars come from: an offline folder, Ivy's earlier download, or Maven Central; the
Delta jars and the JDBC drivers the run's sources need, each on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodi.runtime.jars import DELTA_ARTIFACTS, JDBC_DRIVERS, jar_sources

PG = JDBC_DRIVERS["postgresql"]
LITE = JDBC_DRIVERS["sqlite"]


def _touch(folder: Path, *artifacts: tuple[str, str, str], ivy_style: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for group, artifact, version in artifacts:
        name = f"{group}_{artifact}-{version}.jar" if ivy_style else f"{artifact}-{version}.jar"
        (folder / name).write_bytes(b"jar")


def _conf(sources) -> dict[str, list[str]]:
    return {s.conf_key: sorted(Path(v).name if v.endswith(".jar") else v
                               for v in s.value.split(",")) for s in sources}


def test_offline_folder_wins(tmp_path: Path) -> None:
    _touch(tmp_path / "jars", *DELTA_ARTIFACTS, (PG.group, PG.artifact, PG.version))
    _touch(tmp_path / "ivy" / "jars", *DELTA_ARTIFACTS, ivy_style=True)
    assert _conf(jar_sources(str(tmp_path / "jars"), [PG.coordinate], tmp_path / "ivy")) == {
        "spark.jars": sorted([f"{a}-{v}.jar" for _, a, v in DELTA_ARTIFACTS]
                             + ["postgresql-42.7.14.jar"])}


def test_offline_folder_missing_a_jar_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "jars").mkdir()
    with pytest.raises(FileNotFoundError, match="delta-spark_2.12-3.3.2.jar.*make jars"):
        jar_sources(str(tmp_path / "jars"), ivy_home=tmp_path / "ivy")
    _touch(tmp_path / "jars", *DELTA_ARTIFACTS)
    missing = r"lacks postgresql-42\.7\.14\.jar, sqlite-jdbc-3\.54\.1\.0\.jar;"
    with pytest.raises(FileNotFoundError, match=missing):
        jar_sources(str(tmp_path / "jars"), [PG.coordinate, LITE.coordinate], tmp_path / "ivy")
    _touch(tmp_path / "jars", (PG.group, PG.artifact, PG.version))
    with pytest.raises(FileNotFoundError) as exc:
        jar_sources(str(tmp_path / "jars"), [PG.coordinate, LITE.coordinate], tmp_path / "ivy")
    assert "postgresql" not in str(exc.value)


def test_ivy_cache_then_maven_central(tmp_path: Path) -> None:
    assert _conf(jar_sources(None, ivy_home=tmp_path / "ivy")) == {
        "spark.jars.packages": ["io.delta:delta-spark_2.12:3.3.2"]}
    _touch(tmp_path / "ivy" / "jars", *DELTA_ARTIFACTS, ivy_style=True)
    assert _conf(jar_sources(None, ivy_home=tmp_path / "ivy")) == {
        "spark.jars": sorted(f"{g}_{a}-{v}.jar" for g, a, v in DELTA_ARTIFACTS)}


def test_each_driver_comes_from_ivy_when_it_is_there_else_from_maven_central(tmp_path: Path) -> None:
    _touch(tmp_path / "ivy" / "jars", *DELTA_ARTIFACTS, (PG.group, PG.artifact, PG.version),
           ivy_style=True)
    conf = _conf(jar_sources(None, [PG.coordinate, LITE.coordinate, PG.coordinate],
                             tmp_path / "ivy"))
    assert conf == {"spark.jars": sorted([*(f"{g}_{a}-{v}.jar" for g, a, v in DELTA_ARTIFACTS),
                                          "org.postgresql_postgresql-42.7.14.jar"]),
                    "spark.jars.packages": ["org.xerial:sqlite-jdbc:3.54.1.0"]}


def test_a_coordinate_that_is_not_group_artifact_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="group:artifact:version"):
        jar_sources(None, ["postgresql-42.7.14.jar"], tmp_path / "ivy")
