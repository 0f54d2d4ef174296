"""Landing rows for a dataset: file names its source finds, rows in its format. No Spark."""

from __future__ import annotations

import json

import pytest

from prodi.testing.landing import csv_text, json_lines, landed_name, write_rows


@pytest.mark.parametrize(("glob", "fmt", "name"), [
    ("sales_*.csv", "csv", "sales_2026-01-02.csv"),
    ("*.jsonl", "json", "2026-01-02.jsonl"),
    (None, "json", "sales_2026-01-02.jsonl"),
    ("sales_*_*.csv", "csv", "sales_2026-01-02.csv"),   # two wildcards: not guessed
    ("day=*/part.csv", "csv", "sales_2026-01-02.csv"),  # a folder pattern: not guessed
])
def test_a_landed_file_is_named_after_the_glob_and_the_date(glob, fmt, name):
    assert landed_name("sales", "2026-01-02", glob, fmt) == name


def test_csv_rows_keep_every_column_in_first_seen_order_and_none_is_empty():
    rows = [{"id": "1", "amount": "2.50"}, {"id": "2", "note": "a,b", "amount": None}]
    assert csv_text(rows) == 'id,amount,note\n1,2.50,\n2,,"a,b"\n'


def test_csv_rows_follow_the_source_options():
    assert csv_text([{"a": 1, "b": 2}], {"sep": ";", "header": "false"}) == "1;2\n"


def test_json_rows_are_json_lines():
    text = json_lines([{"id": 1, "tags": ["x"]}, {"id": 2}])
    assert [json.loads(line) for line in text.splitlines()] == [{"id": 1, "tags": ["x"]},
                                                                {"id": 2}]


def test_rows_land_only_as_csv_or_json(tmp_path):
    with pytest.raises(ValueError, match="land a file instead"):
        write_rows(tmp_path / "x.parquet", [{"a": 1}], "parquet")
    path = write_rows(tmp_path / "in" / "x.csv", [{"a": 1}], "csv")
    assert path.read_text() == "a\n1\n"
