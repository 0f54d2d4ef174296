"""Fetching jars quietly: what a run logs, what the resolving spark-submit gets, what a session
starts with, what a failed fetch says. No JVM: the spark-submit call is replaced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from loguru import logger

from prodi.runtime import ivy
from prodi.runtime.ivy import JarResolutionError, fetch_line, resolve, submit_conf
from prodi.runtime.jars import DELTA_ARTIFACTS, JDBC_DRIVERS
from prodi.runtime.session import local_jars

DELTA = "io.delta:delta-spark_2.12:3.3.2"
LITE = JDBC_DRIVERS["sqlite"].coordinate
REPORT = ":: resolving dependencies :: org.apache.spark#spark-submit-parent;1.0\n\tfound x"


@pytest.fixture
def logged() -> Iterator[list[tuple[str, str]]]:
    lines: list[tuple[str, str]] = []
    sink = logger.add(lambda m: lines.append((m.record["level"].name, m.record["message"])),
                      level="DEBUG")
    yield lines
    logger.remove(sink)


@pytest.fixture
def submits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, str]]:
    """Stands in for spark-submit: records its settings, 'fetches' one jar per package into
    the Ivy folder and prints REPORT; a coordinate with 'bogus' in it fails."""
    calls: list[dict[str, str]] = []

    def submit(settings: dict[str, str], conn_info: Path, output: Path) -> list[str] | None:
        calls.append(dict(settings))
        output.write_text(REPORT + "\n", encoding="utf-8")
        if "bogus" in settings["spark.jars.packages"]:
            return None
        jars = Path(settings["spark.jars.ivy"]) / "jars"
        jars.mkdir(parents=True, exist_ok=True)
        found = []
        for coordinate in settings["spark.jars.packages"].split(","):
            group, artifact, version = coordinate.split(":")
            (jars / f"{group}_{artifact}-{version}.jar").write_bytes(b"jar")
            found.append(str(jars / f"{group}_{artifact}-{version}.jar"))
        return found

    monkeypatch.setattr(ivy, "_submit", submit)
    return calls


def _fill(ivy_home: Path, *coordinates: str) -> None:
    (ivy_home / "jars").mkdir(parents=True, exist_ok=True)
    for coordinate in coordinates:
        group, artifact, version = coordinate.split(":")
        (ivy_home / "jars" / f"{group}_{artifact}-{version}.jar").write_bytes(b"jar")


def test_the_fetch_line_names_the_first_package_how_many_more_and_where_from() -> None:
    assert fetch_line([DELTA], {}) == (
        "fetching io.delta:delta-spark_2.12:3.3.2 from Maven Central (first run only)")
    assert fetch_line([DELTA, LITE, "a:b:1"], {"spark.jars.repositories": "https://m.example/r"}
                      ) == ("fetching io.delta:delta-spark_2.12:3.3.2 and 2 more from Maven "
                            "Central and https://m.example/r (first run only)")
    assert fetch_line([LITE], {"spark.jars.ivySettings": "/etc/ivy.xml"}) == (
        "fetching org.xerial:sqlite-jdbc:3.54.1.0 from the repositories of /etc/ivy.xml "
        "(first run only)")


def test_spark_submit_gets_the_confs_ivy_settings_and_the_packages(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    conf = {"spark.jars.repositories": "https://m.example/r", "spark.jars.packages": "x:y:1",
            "spark.jars": "/opt/own.jar", "spark.sql.shuffle.partitions": "4"}
    assert submit_conf([DELTA, LITE], conf, "-Dx=1") == {
        "spark.jars.repositories": "https://m.example/r",
        "spark.jars.ivy": str(tmp_path / ".ivy2"),  # of $HOME, as the session's cache look-up
        "spark.jars.packages": f"{DELTA},{LITE}", "spark.driver.extraJavaOptions": "-Dx=1"}
    assert submit_conf([DELTA], {"spark.jars.ivy": "/ivy"}, "")["spark.jars.ivy"] == "/ivy"


def test_jars_spark_names_as_file_uris_are_paths() -> None:
    assert ivy.local_path("file:/root/.ivy2/jars/a%20b.jar") == "/root/.ivy2/jars/a b.jar"
    assert ivy.local_path("file:///root/a.jar") == "/root/a.jar"
    assert ivy.local_path("/root/a.jar") == "/root/a.jar"


def test_a_resolution_is_remembered_until_a_jar_it_named_is_gone(submits, logged, tmp_path: Path
                                                                  ) -> None:
    conf = {"spark.jars.ivy": str(tmp_path / "my ivy")}  # a space in a path is kept
    first = resolve([DELTA, LITE], conf)
    assert [Path(j).name for j in first] == ["io.delta_delta-spark_2.12-3.3.2.jar",
                                             "org.xerial_sqlite-jdbc-3.54.1.0.jar"]
    assert any(level == "DEBUG" and REPORT in text for level, text in logged)  # the report
    assert resolve([DELTA, LITE], conf) == first and len(submits) == 1
    assert resolve([DELTA], conf) != first and len(submits) == 2  # other packages: resolved
    Path(first[1]).unlink()
    assert resolve([DELTA, LITE], conf) == first and len(submits) == 3


def test_a_failed_fetch_is_an_error_carrying_ivys_report(submits, tmp_path: Path) -> None:
    conf = {"spark.jars.ivy": str(tmp_path / "ivy")}
    with pytest.raises(JarResolutionError) as failed:
        resolve([DELTA, "org.bogus:nothing:0.1"], conf)
    assert str(failed.value) == (
        f"could not fetch {DELTA}, org.bogus:nothing:0.1 from Maven Central (Ivy cache "
        f"{tmp_path / 'ivy'}); set spark.jars_dir (PRODI_JARS_DIR) to a folder holding the jars "
        f"on a machine that can't reach it. Spark's Ivy said:\n{REPORT}")
    assert not (tmp_path / "ivy" / "prodi").exists()  # nothing remembered


def test_a_first_run_fetches_what_is_missing_with_one_info_line(submits, logged, tmp_path: Path
                                                                ) -> None:
    conf = {"spark.jars.ivy": str(tmp_path / "ivy")}
    jars = local_jars(conf, None, (LITE,))
    assert [s["spark.jars.packages"] for s in submits] == [f"{DELTA},{LITE}"]
    assert [Path(j).name for j in jars] == ["io.delta_delta-spark_2.12-3.3.2.jar",
                                            "org.xerial_sqlite-jdbc-3.54.1.0.jar"]
    assert [t for level, t in logged if level != "DEBUG"] == [
        f"fetching {DELTA} and 1 more from Maven Central (first run only)"]


def test_jars_fetched_before_start_no_jvm_and_log_nothing_at_info(submits, logged, tmp_path: Path
                                                                   ) -> None:
    home = tmp_path / "ivy"
    _fill(home, *(":".join(a) for a in DELTA_ARTIFACTS), LITE)
    jars = local_jars({"spark.jars.ivy": str(home)}, None, (LITE,))
    assert sorted(Path(j).name for j in jars) == sorted(
        [*(f"{g}_{a}-{v}.jar" for g, a, v in DELTA_ARTIFACTS), "org.xerial_sqlite-jdbc-3.54.1.0.jar"])
    assert submits == [] and [t for level, t in logged if level != "DEBUG"] == []


def test_only_the_missing_driver_is_fetched_and_named(submits, logged, tmp_path: Path) -> None:
    home = tmp_path / "ivy"
    _fill(home, *(":".join(a) for a in DELTA_ARTIFACTS))
    local_jars({"spark.jars.ivy": str(home)}, None, (LITE,))
    assert [s["spark.jars.packages"] for s in submits] == [LITE]
    assert [t for level, t in logged if level == "INFO"] == [
        f"fetching {LITE} from Maven Central (first run only)"]


def test_the_confs_own_packages_are_resolved_for_their_dependencies_quietly_once_cached(
        submits, logged, tmp_path: Path) -> None:
    home = tmp_path / "ivy"
    _fill(home, *(":".join(a) for a in DELTA_ARTIFACTS))
    conf = {"spark.jars.ivy": str(home), "spark.jars.packages": "org.acme:lib:1.0, org.acme:two:2"}
    jars = local_jars(conf, None, ())
    assert [s["spark.jars.packages"] for s in submits] == ["org.acme:lib:1.0,org.acme:two:2"]
    assert [t for level, t in logged if level == "INFO"] == [
        "fetching org.acme:lib:1.0 and 1 more from Maven Central (first run only)"]
    assert "org.acme_lib-1.0.jar" in {Path(j).name for j in jars}
    logged.clear()
    assert local_jars(conf, None, ()) == jars  # remembered: no spark-submit, no INFO line
    assert len(submits) == 1 and [t for level, t in logged if level == "INFO"] == []


def test_an_offline_folder_needs_no_fetch(submits, logged, tmp_path: Path) -> None:
    folder = tmp_path / "jars"
    folder.mkdir()
    for _, artifact, version in DELTA_ARTIFACTS:
        (folder / f"{artifact}-{version}.jar").write_bytes(b"jar")
    jars = local_jars({"spark.jars.ivy": str(tmp_path / "ivy")}, str(folder), ())
    assert sorted(jars) == sorted(str(folder / f"{a}-{v}.jar") for _, a, v in DELTA_ARTIFACTS)
    assert submits == [] and [t for level, t in logged if level == "INFO"] == []
