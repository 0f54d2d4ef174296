"""Files a test lands for a dataset: rows written in the dataset's source format, named so the
source's glob and date pattern find them. No Spark."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

EXTENSIONS = {"csv": "csv", "json": "jsonl", "text": "txt", "parquet": "parquet"}


def landed_name(dataset: str, date: str, glob: str | None, fmt: str | None) -> str:
    """A file name the source picks up for `date`: its glob with the `*` filled by the date, or
    `<dataset>_<date>.<ext>` when the glob has no single `*` (or there is none)."""
    if glob and glob.count("*") == 1 and not any(c in glob for c in "?[/"):
        return glob.replace("*", date)
    return f"{dataset}_{date}.{EXTENSIONS.get(fmt or '', fmt or 'dat')}"


def columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key of the rows, in the order they first appear."""
    return list(dict.fromkeys(key for row in rows for key in row))


def csv_text(rows: Sequence[Mapping[str, Any]], options: Mapping[str, Any] | None = None) -> str:
    """Rows as CSV with a header (unless the source says `header: false`); None is an empty field."""
    options = {k.lower(): str(v) for k, v in (options or {}).items()}
    sep = options.get("sep", options.get("delimiter", ","))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    columns = columns_of(rows)
    if options.get("header", "true").lower() == "true":
        writer.writerow(columns)
    writer.writerows([["" if row.get(c) is None else row[c] for c in columns] for row in rows])
    return out.getvalue()


def json_lines(rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows as JSON lines (dates, decimals and the like as their text)."""
    return "".join(json.dumps(dict(row), default=str) + "\n" for row in rows)


def write_rows(path: Path, rows: Sequence[Mapping[str, Any]], fmt: str | None,
               options: Mapping[str, Any] | None = None) -> Path:
    """Write `rows` to `path` in the source format `fmt` (csv or json)."""
    if fmt == "csv":
        text = csv_text(rows, options)
    elif fmt == "json":
        text = json_lines(rows)
    else:
        raise ValueError(f"rows can be landed as csv or json, not {fmt!r}: land a file instead "
                         "(file=...)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
