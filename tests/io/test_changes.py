"""Change data by key on real Delta tables, against a plain-Python oracle (`change_reference`).

Hypothesis draws 200 random event streams (inserts, updates, deletes, duplicates at one
sequence value, late events), each split into random batches applied in a random order; each
stream's rows must equal what the oracle builds from its whole event set. The 200 examples are
applied together, each under keys of its own (every operation is per key), so a few Delta
commits check them all; a failure names the example and shows its batches.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pyspark.sql import SparkSession

from prodi.io import changes
from prodi.stages.latest import latest_per_key
from tests.io import change_reference as ref

pytestmark = pytest.mark.spark

KEYS = changes.ChangeKeys(("id",), "seq", ref.ARRIVAL)
NAMES = changes.HistoryColumns(tracked=("a",))
SCHEMA = ("id string, seq int, a string, note string, op string, _landed_date string, "
          "_source_file string, _record_number bigint")
EXAMPLES = 200


@st.composite
def streams(draw: st.DrawFn) -> list[list[dict]]:
    """One stream's batches, in the order they are applied. Batch b landed on day b."""
    n_keys = draw(st.integers(1, 3))
    events = draw(st.lists(st.fixed_dictionaries({
        "id": st.integers(0, n_keys - 1).map(lambda k: f"k{k}"),
        "seq": st.integers(1, 6),
        "a": st.sampled_from("xyz"),
        "note": st.sampled_from(("n1", "n2")),
        "op": st.sampled_from("UUUD"),
    }), min_size=1, max_size=10))
    n_batches = draw(st.integers(1, 4))
    batches: list[list[dict]] = [[] for _ in range(n_batches)]
    for e in events:
        batches[draw(st.integers(0, n_batches - 1))].append(e)
    order = draw(st.permutations(range(n_batches)))
    return [[{**e, "_landed_date": f"2026-01-0{b + 1}", "_source_file": f"f{b}.csv",
              "_record_number": i + 1} for i, e in enumerate(batches[b])] for b in order]


def _rounds(bundle: list[list[list[dict]]]) -> list[list[dict]]:
    """Round r applies the r-th batch of every stream (their keys don't overlap)."""
    depth = max(len(s) for s in bundle)
    return [[e for s in bundle if r < len(s) for e in s[r]] for r in range(depth)]


def _apply(spark: SparkSession, batch: list[dict], mode: str, root: Path) -> None:
    if not batch:
        return
    df = latest_per_key(spark.createDataFrame(batch, SCHEMA), ["id", "seq"], "seq")
    events = changes.with_deletes(df, "op = 'D'")
    to = changes.Destination(str(root / mode), str(root / f"{mode}_changes"), f"note-{mode}")
    if mode == "scd2":
        changes.apply_scd2(events, to, KEYS, NAMES)
    else:
        changes.apply_latest(events, to, KEYS)


def _table(spark: SparkSession, path: Path, mode: str) -> set[tuple]:
    columns = list(ref.VALUES) + (["_valid_from", "_valid_to", "_is_current"] if mode == "scd2" else [])
    if not (path / "_delta_log").exists():
        return set()
    return {tuple(r) for r in spark.read.format("delta").load(str(path)).select(*columns).collect()}


def _examples(n: int) -> list[list[list[dict]]]:
    """`n` streams drawn by hypothesis, each with its keys prefixed by its number."""
    drawn: list[list[list[dict]]] = []

    @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(streams())
    def collect(stream: list[list[dict]]) -> None:
        j = len(drawn)
        drawn.append([[{**e, "id": f"s{j}-{e['id']}"} for e in batch] for batch in stream])

    collect()
    return drawn


def _by_example(rows: set[tuple]) -> dict[str, set[tuple]]:
    split: dict[str, set[tuple]] = {}
    for r in rows:
        split.setdefault(r[0].split("-")[0], set()).add(r)
    return split


def test_any_batches_in_any_order_give_the_whole_set_table(spark_session, tmp_path):
    examples = _examples(EXAMPLES)
    assert len(examples) == EXAMPLES
    for batch in _rounds(examples):
        for mode in ("merge", "scd2"):
            _apply(spark_session, batch, mode, tmp_path)
    tables = {mode: _by_example(_table(spark_session, tmp_path / mode, mode))
              for mode in ("merge", "scd2")}
    for j, stream in enumerate(examples):
        everything = [e for batch in stream for e in batch]
        for mode, oracle in (("merge", ref.latest), ("scd2", ref.scd2)):
            assert tables[mode].get(f"s{j}", set()) == oracle(everything), \
                f"example {j}, {mode}: batches in the order applied: {stream}"
    # Applying everything again, in one batch, changes nothing.
    everything = [e for stream in examples for batch in stream for e in batch]
    _apply(spark_session, everything, "scd2", tmp_path)
    assert _table(spark_session, tmp_path / "scd2", "scd2") == ref.scd2(everything)


def _event(seq: int, a: str, op: str = "U", day: int = 1, record: int = 1, note: str = "n1",
           key: str = "k") -> dict:
    return {"id": key, "seq": seq, "a": a, "note": note, "op": op,
            "_landed_date": f"2026-01-0{day}", "_source_file": f"f{day}.csv", "_record_number": record}


def _history(spark: SparkSession, root: Path) -> list[tuple]:
    rows = spark.read.format("delta").load(str(root / "scd2"))
    return sorted(tuple(r) for r in rows.select("id", "a", "_valid_from", "_valid_to", "_is_current")
                  .collect())


# Named cases, each under a key of its own, applied together batch by batch (fewer commits).
CASES = {
    # a late version splits the interval it falls in
    "late": [[_event(1, "x"), _event(5, "y", record=2)], [_event(3, "z", day=2)]],
    # a delete that arrives before the insert it cancels closes it (scd2) or removes it (merge)
    "delete_first": [[_event(4, "x", op="D")], [_event(2, "x", day=2)]],
    # a change only in an untracked column updates the current version in place
    "untracked": [[_event(1, "x", note="n1"), _event(2, "x", note="n2", record=2)]],
    # two versions at one sequence value: the one landed last wins, applied first or not
    "tie": [[_event(1, "landed_last", day=3)], [_event(1, "landed_first", day=2)]],
}
SCD2_EXPECTED = {
    "late": [("x", 1, 3, False, "n1"), ("y", 5, None, True, "n1"), ("z", 3, 5, False, "n1")],
    "delete_first": [("x", 2, 4, False, "n1")],
    "untracked": [("x", 1, None, True, "n2")],
    "tie": [("landed_last", 1, None, True, "n1")],
}
MERGE_EXPECTED = {"late": [("y", "n1")], "delete_first": [], "untracked": [("x", "n2")],
                  "tie": [("landed_last", "n1")]}


def test_named_cases_of_late_versions_deletes_untracked_changes_and_ties(spark_session, tmp_path):
    cases = {name: [[{**e, "id": name} for e in batch] for batch in batches]
             for name, batches in CASES.items()}
    for r in range(max(len(b) for b in cases.values())):
        batch = [e for batches in cases.values() if r < len(batches) for e in batches[r]]
        for mode in ("scd2", "merge"):
            _apply(spark_session, batch, mode, tmp_path)
    scd2 = spark_session.read.format("delta").load(str(tmp_path / "scd2")).collect()
    merge = spark_session.read.format("delta").load(str(tmp_path / "merge")).collect()
    for name in CASES:
        assert sorted((r["a"], r["_valid_from"], r["_valid_to"], r["_is_current"], r["note"])
                      for r in scd2 if r["id"] == name) == SCD2_EXPECTED[name], name
        assert sorted((r["a"], r["note"]) for r in merge if r["id"] == name) == \
            MERGE_EXPECTED[name], name


def test_two_writers_at_once_leave_one_current_row_per_key(spark_session, tmp_path):
    """Two threads apply different versions of the same keys to one table at the same time:
    Delta's conflict detection makes one retry, and the table is the whole set's."""
    first = [_event(s, "x" if s % 2 else "y", day=1, record=s, key=f"k{k}")
             for k in range(20) for s in (1, 3)]
    second = [_event(s, "z", day=2, record=s, key=f"k{k}") for k in range(20) for s in (2, 4)]
    _apply(spark_session, [_event(0, "w", key=f"k{k}") for k in range(20)], "scd2", tmp_path)
    errors: list[BaseException] = []

    def writer(batch: list[dict]) -> None:
        try:
            _apply(spark_session, batch, "scd2", tmp_path)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(b,)) for b in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    table = spark_session.read.format("delta").load(str(tmp_path / "scd2"))
    assert table.filter("_is_current").groupBy("id").count().filter("count > 1").count() == 0
    everything = [_event(0, "w", key=f"k{k}") for k in range(20)] + first + second
    assert _table(spark_session, tmp_path / "scd2", "scd2") == ref.scd2(everything)




def test_a_table_written_by_another_mode_needs_a_rebuild_to_keep_history(spark_session, tmp_path):
    spark_session.createDataFrame([("k", 1, "x")], "id string, seq int, a string") \
        .write.format("delta").save(str(tmp_path / "scd2"))
    with pytest.raises(changes.NoChangeLogError, match="run.full_refresh=true"):
        _apply(spark_session, [_event(2, "y")], "scd2", tmp_path)
    df = latest_per_key(spark_session.createDataFrame([_event(1, "x"), _event(2, "y", record=2)],
                                                      SCHEMA), ["id", "seq"], "seq")
    to = changes.Destination(str(tmp_path / "scd2"), str(tmp_path / "scd2_changes"), "n",
                             rebuild=True)
    changes.apply_scd2(changes.with_deletes(df, "op = 'D'"), to, KEYS, NAMES)
    assert _history(spark_session, tmp_path) == [("k", "x", 1, 2, False), ("k", "y", 2, None, True)]


def test_a_column_the_dataset_gains_reaches_the_history(spark_session, tmp_path):
    _apply(spark_session, [_event(1, "x")], "scd2", tmp_path)
    df = latest_per_key(spark_session.createDataFrame(
        [{**_event(2, "y", day=2), "tier": "gold"}], SCHEMA + ", tier string"), ["id", "seq"], "seq")
    to = changes.Destination(str(tmp_path / "scd2"), str(tmp_path / "scd2_changes"), "n2")
    changes.apply_scd2(changes.with_deletes(df, "op = 'D'"), to, KEYS, NAMES)
    rows = spark_session.read.format("delta").load(str(tmp_path / "scd2"))
    assert sorted((r["a"], r["tier"], r["_is_current"]) for r in rows.collect()) == [
        ("x", None, False), ("y", "gold", True)]
