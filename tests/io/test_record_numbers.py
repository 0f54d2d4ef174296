"""Record numbers from per-split counts: a file read in several splits is numbered on. No Spark."""

from __future__ import annotations

from prodi.io.delivered import record_shifts


def order_id(split: int, row: int) -> int:
    return (split << 33) + row  # what Spark's monotonically_increasing_id gives


def test_a_file_in_two_splits_is_numbered_on_and_other_files_start_at_one():
    shifts = record_shifts([
        ("b.csv", 1, order_id(1, 0), 4),
        ("a.csv", 2, order_id(2, 0), 2),  # a's second split, in a later partition
        ("a.csv", 0, order_id(0, 0), 3),
        ("c.csv", 1, order_id(1, 4), 5),  # c follows b in partition 1
    ])
    # number = row index in the split + shift
    assert [r + shifts[("a.csv", 0)] for r in range(3)] == [1, 2, 3]
    assert [r + shifts[("a.csv", 2)] for r in range(2)] == [4, 5]
    assert [r + shifts[("b.csv", 1)] for r in range(4)] == [1, 2, 3, 4]
    assert [r + shifts[("c.csv", 1)] for r in range(4, 9)] == [1, 2, 3, 4, 5]


def test_no_records_no_shifts():
    assert record_shifts([]) == {}
