"""Golden files: a table's expected rows as text, in CSV or JSON. No Spark.

Values are kept as Spark prints them cast to string (`15.75`, `2026-01-01`,
`2026-01-01 09:00:00`), so a golden file compares exactly whatever the column types. In CSV an
empty field is NULL; use JSON where an empty string and NULL must differ.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

Row = tuple[str | None, ...]


@dataclass(frozen=True)
class GoldenTable:
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def sorted(self) -> GoldenTable:
        """The same table with its rows in a stable order (NULL first), for readable diffs."""
        key = lambda row: [(v is not None, v or "") for v in row]  # noqa: E731
        return GoldenTable(self.columns, tuple(sorted(self.rows, key=key)))


def read_golden(path: Path) -> GoldenTable:
    """The table a golden file holds (.csv: header and rows; .json: a list of objects)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        records = json.loads(text)
        columns = tuple(dict.fromkeys(k for r in records for k in r))
        return GoldenTable(columns, tuple(tuple(_text(r.get(c)) for c in columns)
                                          for r in records))
    lines = list(csv.reader(io.StringIO(text)))
    if not lines:
        raise ValueError(f"golden file {path} is empty: it needs at least a header line")
    header, *rows = lines
    return GoldenTable(tuple(header), tuple(tuple(v if v != "" else None for v in row)
                                            for row in rows if row))


def write_golden(path: Path, table: GoldenTable) -> None:
    """Write the table to a golden file, CSV or JSON by the file's suffix, rows sorted."""
    table = table.sorted()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        records = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
        path.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([["" if v is None else v for v in row] for row in table.rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def missing_golden_message(path: Path) -> str:
    return (f"golden file {path} does not exist. Create it from this test's current output with "
            "`pytest --update-golden` (only this test: add its node id), then review it and "
            "commit it.")


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, (dict, list, bool)) else str(value)
