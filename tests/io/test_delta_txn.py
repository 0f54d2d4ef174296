"""Exactly-once appends: the ingestion sequence read back from the log (commits and checkpoints),
and a second append under the same claim committing nothing, or failing with a conflict."""

from __future__ import annotations

import threading

import pytest

from prodi.io import delta_tables, delta_txn
from prodi.io.conflicts import is_conflict

pytestmark = pytest.mark.spark


def test_the_sequence_is_read_from_commits_and_checkpoints(spark_session, tmp_path):
    location = str(tmp_path / "t")
    assert delta_txn.app_version(spark_session, location) is None
    assert delta_txn.claim(spark_session, location).version == 0
    rows = spark_session.range(2)
    # Twelve claimed appends, two plain ones: Delta checkpoints at version 10.
    for v in range(12):
        delta_tables.append(rows, location, f"n{v}", txn=(delta_txn.APP_ID, v))
    delta_tables.append(rows, location, "plain")
    delta_tables.append(rows, location, "other app", txn=("someone-else", 99))
    assert (tmp_path / "t" / "_delta_log" / "_last_checkpoint").exists()
    assert delta_txn.app_version(spark_session, location) == 11
    assert delta_txn.claim(spark_session, location).version == 12


def test_an_append_under_a_taken_claim_commits_nothing(spark_session, tmp_path):
    location = str(tmp_path / "t")
    claim = delta_txn.claim(spark_session, location)
    first = delta_tables.append(spark_session.range(3), location, "first", txn=claim.txn)
    second = delta_tables.append(spark_session.range(3), location, "second", txn=claim.txn)
    assert (first.operation, first.rows_written) == ("WRITE", 3)
    assert second.operation == "NONE"
    assert spark_session.read.format("delta").load(location).count() == 3


def test_of_two_concurrent_appends_under_one_claim_one_commits(spark_session, tmp_path):
    location = str(tmp_path / "t")
    delta_tables.append(spark_session.range(1), location, "base", txn=(delta_txn.APP_ID, 0))
    claim = delta_txn.claim(spark_session, location)
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def append(note: str) -> None:
        start.wait()
        try:
            outcomes.append(delta_tables.append(spark_session.range(1000).repartition(4),
                                                location, note, txn=claim.txn).operation)
        except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
            outcomes.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    committed = [o for o in outcomes if o == "WRITE"]
    lost = [o for o in outcomes if o == "NONE" or is_conflict(o)]  # type: ignore[arg-type]
    assert (len(committed), len(lost)) == (1, 1), outcomes
    assert spark_session.read.format("delta").load(location).count() == 1001


def test_the_newest_complete_checkpoint_is_read():
    v = "{:020d}".format
    names = [f"{v(10)}.checkpoint.parquet", f"{v(20)}.checkpoint.0000000001.0000000002.parquet",
             f"{v(21)}.json"]
    assert delta_txn._newest_checkpoint(names) == (10, [f"{v(10)}.checkpoint.parquet"])
    names.append(f"{v(20)}.checkpoint.0000000002.0000000002.parquet")
    assert delta_txn._newest_checkpoint(names)[0] == 20
    v2 = f"{v(30)}.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.parquet"
    assert delta_txn._newest_checkpoint([*names, v2]) == (30, [v2])
    assert delta_txn._newest_checkpoint([f"{v(0)}.json"]) is None
