"""Where the jars come from: an offline folder, Ivy's earlier download, or Maven Central; the
Delta jars and the JDBC drivers the run's sources need, each on its own. Which Delta jars: those
of the installed delta-spark for the installed pyspark, or a clear error if they can't pair."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from pathlib import Path

import pytest

from prodi.app.failure import CONFIG_EXIT, describe_failure
from prodi.runtime.jars import (
    DELTA_ARTIFACTS,
    DELTA_VERSION,
    JDBC_DRIVERS,
    SparkDeltaMismatchError,
    delta_artifacts,
    installed_delta_artifacts,
    jar_sources,
)

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


# The Delta jars of the installed pyspark and delta-spark: (pyspark, delta-spark) -> artifacts,
# as Maven Central names them (https://repo1.maven.org/maven2/io/delta/).
LINES = {
    ("3.5.7", "3.3.2"): ["io.delta:delta-spark_2.12:3.3.2", "io.delta:delta-storage:3.3.2",
                         "org.antlr:antlr4-runtime:4.9.3"],
    ("3.5.3", "3.2.1"): ["io.delta:delta-spark_2.12:3.2.1", "io.delta:delta-storage:3.2.1",
                         "org.antlr:antlr4-runtime:4.9.3"],
    ("4.0.1", "4.0.1"): ["io.delta:delta-spark_2.13:4.0.1", "io.delta:delta-storage:4.0.1",
                         "org.antlr:antlr4-runtime:4.13.1"],
    ("4.0.0", "4.0.0"): ["io.delta:delta-spark_2.13:4.0.0", "io.delta:delta-storage:4.0.0",
                         "org.antlr:antlr4-runtime:4.13.1"],
    # From Delta 4.1, a jar per Spark minor.
    ("4.0.1", "4.1.0"): ["io.delta:delta-spark_4.0_2.13:4.1.0", "io.delta:delta-storage:4.1.0"],
    ("4.1.1", "4.2.0"): ["io.delta:delta-spark_4.1_2.13:4.2.0", "io.delta:delta-storage:4.2.0"],
    ("4.2.0", "4.4.0"): ["io.delta:delta-spark_4.2_2.13:4.4.0", "io.delta:delta-storage:4.4.0",
                         "io.delta:delta-kernel-api:4.4.0", "io.delta:delta-kernel-defaults:4.4.0",
                         "io.delta:delta-kernel-unitycatalog:4.4.0"],
}


@pytest.mark.parametrize(("spark", "delta"), sorted(LINES))
def test_the_delta_jars_are_the_installed_delta_spark_for_the_installed_spark(spark, delta):
    assert [":".join(a) for a in delta_artifacts(spark, delta)] == LINES[spark, delta]


@pytest.mark.parametrize(("spark", "delta", "fix"), [
    ("4.0.1", "3.3.2", '"delta-spark==4.0.*" next to it'),  # Delta 3 on Spark 4
    ("3.5.7", "4.0.1", '"delta-spark==3.3.*" next to it'),  # Delta 4 on Spark 3.5
    ("4.1.1", "4.0.1", '"prodi[spark4]"'),  # Delta 4.0 is for Spark 4.0 only
    ("4.2.0", "4.3.1", '"prodi[spark4]"'),  # no Spark 4.2 jar before Delta 4.4
    ("3.4.1", "3.3.2", '"prodi[spark]"'),  # Spark 3.4: no line of prodi's
    ("3.5.7", "2.4.0", '"delta-spark==3.3.*" next to it'),
])
def test_a_pair_that_cant_run_names_both_versions_and_the_fix(spark, delta, fix):
    with pytest.raises(SparkDeltaMismatchError) as raised:
        delta_artifacts(spark, delta)
    message = str(raised.value)
    assert f"pyspark {spark} and delta-spark {delta} can't run together" in message
    assert fix in message and "pip" not in message.split("install", 1)[0]


def _metadata(installed: dict[str, str], delta_requires: list[str]):  # noqa: ANN202
    def dist_version(dist: str) -> str:
        if dist not in installed:
            raise PackageNotFoundError(dist)
        return installed[dist]
    return dist_version, lambda dist: delta_requires if dist == "delta-spark" else None


def test_installed_versions_come_from_the_distributions_metadata():
    found = installed_delta_artifacts(*_metadata({"pyspark": "4.0.1", "delta-spark": "4.0.1"},
                                                 ["pyspark>=4.0.0", "importlib-metadata>=1.0.0"]))
    assert found[0] == ("io.delta", "delta-spark_2.13", "4.0.1")
    # The dev venv: the default line.
    assert installed_delta_artifacts() == DELTA_ARTIFACTS
    assert DELTA_ARTIFACTS[0] == ("io.delta", "delta-spark_2.12", DELTA_VERSION)


def test_delta_sparks_own_requirement_on_pyspark_is_checked():
    with pytest.raises(SparkDeltaMismatchError, match=r"pyspark 3\.5\.2 and delta-spark 3\.3\.2 "
                       r"can't run together \(delta-spark 3\.3\.2 requires pyspark<3\.6\.0,>=3\.5\.3\)"):
        installed_delta_artifacts(*_metadata({"pyspark": "3.5.2", "delta-spark": "3.3.2"},
                                             ["pyspark<3.6.0,>=3.5.3"]))


def test_pyspark_without_delta_spark_names_the_delta_spark_to_install():
    with pytest.raises(SparkDeltaMismatchError,
                       match=r'pyspark 4\.0\.1 is installed without delta-spark; install '
                             r'"delta-spark==4\.0\.\*" next to it'):
        installed_delta_artifacts(*_metadata({"pyspark": "4.0.1"}, []))


def test_a_mismatch_is_a_config_failure_of_one_paragraph():
    failure = describe_failure(SparkDeltaMismatchError("pyspark 4.0.1 and delta-spark 3.3.2 ..."))
    assert failure.exit_code == CONFIG_EXIT
    assert failure.message.startswith("Spark and Delta don't match: pyspark 4.0.1")


def test_spark4_jars_from_an_offline_folder_or_maven_central(tmp_path: Path) -> None:
    spark4 = delta_artifacts("4.0.1", "4.0.1")
    with pytest.raises(FileNotFoundError, match=r"lacks delta-spark_2\.13-4\.0\.1\.jar, "
                       r"delta-storage-4\.0\.1\.jar, antlr4-runtime-4\.13\.1\.jar;"):
        jar_sources(str(tmp_path / "jars"), ivy_home=tmp_path / "ivy", delta=spark4)
    assert _conf(jar_sources(None, ivy_home=tmp_path / "ivy", delta=spark4)) == {
        "spark.jars.packages": ["io.delta:delta-spark_2.13:4.0.1"]}
    _touch(tmp_path / "jars", *spark4)
    assert _conf(jar_sources(str(tmp_path / "jars"), ivy_home=tmp_path / "ivy", delta=spark4)) == {
        "spark.jars": ["antlr4-runtime-4.13.1.jar", "delta-spark_2.13-4.0.1.jar",
                       "delta-storage-4.0.1.jar"]}
