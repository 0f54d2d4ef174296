"""Golden files: what is written reads back the same, in CSV and JSON. No Spark."""

from __future__ import annotations

import pytest

from prodi.testing.golden import GoldenTable, missing_golden_message, read_golden, write_golden

TABLE = GoldenTable(("store", "note", "revenue"),
                    (("south", None, "29.75"), ("north", "a,b", "15.75"), ("east", "", None)))


def test_csv_golden_sorts_rows_and_reads_empty_fields_as_null(tmp_path):
    path = tmp_path / "g" / "t.csv"
    write_golden(path, TABLE)
    assert path.read_text() == "store,note,revenue\neast,,\nnorth,\"a,b\",15.75\nsouth,,29.75\n"
    assert read_golden(path) == GoldenTable(TABLE.columns, (
        ("east", None, None), ("north", "a,b", "15.75"), ("south", None, "29.75")))


def test_json_golden_keeps_empty_strings_apart_from_null(tmp_path):
    path = tmp_path / "t.json"
    write_golden(path, TABLE)
    assert read_golden(path) == TABLE.sorted()
    assert read_golden(path).rows[0] == ("east", "", None)


def test_json_golden_written_by_hand_may_hold_numbers(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('[{"store": "north", "sales": 2, "open": true, "revenue": "15.75"}]')
    assert read_golden(path) == GoldenTable(("store", "sales", "open", "revenue"),
                                            (("north", "2", "true", "15.75"),))


def test_an_empty_csv_golden_is_refused(tmp_path):
    (tmp_path / "t.csv").write_text("")
    with pytest.raises(ValueError, match="at least a header"):
        read_golden(tmp_path / "t.csv")


def test_a_missing_golden_file_says_how_to_create_it(tmp_path):
    message = missing_golden_message(tmp_path / "t.csv")
    assert str(tmp_path / "t.csv") in message and "pytest --update-golden" in message
