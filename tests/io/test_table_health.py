"""Half-created and corrupt Delta tables, and missing data files, on tiny real tables."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from prodi.io import delta_tables, table_health
from prodi.io.table_files import LocalFiles, SparkFiles
from prodi.io.table_health import TableStateError

pytestmark = pytest.mark.spark
SCHEMA = "n int, day string"


@pytest.fixture(scope="module")
def template(spark_session, tmp_path_factory) -> Path:
    """A table partitioned by day, two commits of two rows each (days d0 and d1)."""
    path = tmp_path_factory.mktemp("health") / "t"
    for i in range(2):
        spark_session.createDataFrame([(2 * i, "d0"), (2 * i + 1, "d1")], SCHEMA) \
            .write.format("delta").mode("append").partitionBy("day").save(str(path))
    return path


@pytest.fixture
def table(template, tmp_path) -> Path:
    """A copy of the template, for a test to break."""
    return Path(shutil.copytree(template, tmp_path / "t"))


def _commit(path: Path, version: int) -> Path:
    return path / "_delta_log" / f"{version:020d}.json"


def _cut(path: Path, version: int, keep_lines: int) -> None:
    """Keep the first lines of a commit file, as a cut-off write would, and drop Hadoop's local
    checksum of it (a cloud store has none), so Delta itself accepts what is left."""
    commit = _commit(path, version)
    commit.write_text("\n".join(commit.read_text().splitlines()[:keep_lines]))
    (commit.parent / f".{commit.name}.crc").unlink()


@pytest.fixture(params=["local", "spark"])
def files(request, spark_session):
    return LocalFiles() if request.param == "local" else SparkFiles(spark_session)


def test_a_healthy_table_passes(spark_session, template, tmp_path, files):
    location = str(template)
    assert table_health.inspect(spark_session, location, files) == \
        table_health.TableState(location, "ok", 1)
    assert table_health.inspect(spark_session, str(tmp_path / "none"), files).status == "missing"


def test_an_empty_latest_commit_is_corrupt_and_nothing_reads_or_commits_on_it(spark_session, table):
    location = str(table)
    _commit(table, 1).write_bytes(b"")
    assert spark_session.read.format("delta").load(location).count() == 2  # Delta: rolled back
    state = table_health.inspect(spark_session, location)
    assert state == table_health.inspect(spark_session, location, SparkFiles(spark_session))
    assert (state.status, state.version) == ("corrupt", 1)
    assert state.problem == f"its latest commit file {1:020d}.json is empty (0 bytes)"
    df = spark_session.createDataFrame([(9, "d0")], SCHEMA)
    for action in (lambda: delta_tables.exists(spark_session, location),
                   lambda: delta_tables.read(spark_session, location),
                   lambda: delta_tables.append(df, location, "x", ("day",)),
                   lambda: delta_tables.merge(df, location, "x", ("n",), None)):
        with pytest.raises(TableStateError) as err:
            action()
        assert str(err.value) == (
            f"Delta table {location} is corrupt: {state.problem}. Delta would read it as of an "
            "earlier or partial state, so prodi neither reads it nor commits on top of it. Put the "
            "file back if you have a copy (a backup, or the store's object versioning); otherwise "
            f"return the table to its last whole version with `RESTORE TABLE delta.`{location}` TO "
            "VERSION AS OF 0` and re-run the layer that writes it: what version 1 wrote is written "
            "again. `prodi doctor` checks the layer's tables")
    assert sorted(p.name for p in (table / "_delta_log").glob("*.json"))[-1] == f"{1:020d}.json"


def test_a_commit_cut_at_a_line_that_delta_accepts_is_corrupt(spark_session, table):
    location = str(table)
    _cut(table, 1, keep_lines=2)  # commitInfo and one of two files
    assert spark_session.read.format("delta").load(location).count() == 3  # Delta accepts it
    state = table_health.inspect(spark_session, location)
    assert (state.status, state.problem) == ("corrupt", (
        f"its latest commit file {1:020d}.json lists 1 added and 0 removed file(s), which gives 3 "
        f"files, but its checksum {1:020d}.crc says 4: the file was cut short"))


def test_without_checksums_the_commits_own_metrics_find_the_cut(spark_session, table):
    location = str(table)
    for crc in (table / "_delta_log").glob("0*.crc"):
        crc.unlink()
    assert table_health.inspect(spark_session, location).status == "ok"
    _cut(table, 1, keep_lines=2)
    assert table_health.inspect(spark_session, location).problem == (
        f"its latest commit file {1:020d}.json lists 1 added file(s), but its WRITE metrics count "
        "2: the file was cut short")
    _commit(table, 1).write_text('{"commitInfo":{"timestamp":1,"oper')
    assert table_health.inspect(spark_session, location).problem == \
        f"its latest commit file {1:020d}.json is cut off (a line is not whole JSON)"


def test_a_half_created_table_fails_its_readers_and_its_next_write_starts_it_fresh(
        spark_session, template, tmp_path, files):
    half = tmp_path / "half"
    (half / "_delta_log").mkdir(parents=True)
    partial = sorted(p.relative_to(template) for p in template.glob("day=*/*.parquet"))[:2]
    for i, rel in enumerate(partial):
        (half / rel).parent.mkdir(exist_ok=True)
        (half / rel).write_bytes((template / rel).read_bytes())
        old = time.time() - table_health.CLEAN_UP_AFTER_S - 60 if i == 0 else time.time()
        os.utime(half / rel, (old, old))
    state = table_health.inspect(spark_session, str(half), files)
    assert (state.status, sorted(state.leftovers)) == ("half-created", [str(p) for p in partial])
    assert state.problem == ("it holds 2 data file(s) and an empty _delta_log but no commit: its "
                             "first write was stopped (killed, or its disk full) before it committed")
    assert not delta_tables.exists(spark_session, str(half))
    with pytest.raises(TableStateError) as err:
        delta_tables.read(spark_session, str(half))
    assert str(err.value).startswith(f"Delta table {half} is half-created: {state.problem}. "
                                     "Nothing can read it until its own layer writes it")
    m = delta_tables.append(spark_session.createDataFrame([(7, "d0")], SCHEMA), str(half), "fresh",
                            ("day",))
    assert (m.version, m.rows_written) == (0, 1)
    assert [tuple(r) for r in delta_tables.read(spark_session, str(half)).collect()] == [(7, "d0")]
    # the old partial file is deleted; the recent one may be a running first write's: left alone
    assert [(half / p).exists() for p in partial] == [False, True]


def test_a_missing_data_file_names_the_table_and_the_repair(spark_session, table, tmp_path):
    location = str(table)
    gone = sorted((table / "day=d1").glob("*.parquet"))[0]
    gone.unlink()
    rows = delta_tables.read(spark_session, location)
    with pytest.raises(TableStateError) as err:
        delta_tables.overwrite(rows, str(tmp_path / "copy"), "copy")
    assert str(err.value) == (
        f"Delta table {location} is missing a data file: the version read lists "
        f"day=d1/{gone.name}, which is gone from storage (deleted outside Delta, by a VACUUM, or "
        "lost). Put the "
        "file back if you have a copy. Otherwise drop it from the table with `FSCK REPAIR TABLE "
        f"delta.`{location}`` (Databricks; its rows are lost), or return the table to a version "
        f"before that file was added with `RESTORE TABLE delta.`{location}` TO VERSION AS OF <n>` "
        f"(see `DESCRIBE HISTORY delta.`{location}``); then re-run the layer that writes it")
