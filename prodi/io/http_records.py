"""The records of a landed API page as raw rows: every top-level field as text.

Strings are kept as they are, other scalars as their JSON text exactly as delivered (`1.50`
stays `1.50`), nested values as compact JSON, null as NULL. A page that isn't JSON, or has no
list of objects at the records path, is malformed: it goes to quarantine whole.
"""

from __future__ import annotations

import json
from typing import Any

from prodi.io.http_paging import at_path


class Number(str):
    """A JSON number, as the text it was delivered as."""


class MalformedPage(Exception):
    """A page whose records can't be read; `rule` and `expectation` as quarantine records them."""

    def __init__(self, rule: str, expectation: str, detail: str) -> None:
        self.rule, self.expectation = rule, expectation
        super().__init__(detail)


def page_text(body: bytes) -> str:
    """A page's body as text (JSON is UTF-8); undecodable bytes become U+FFFD."""
    return body.decode("utf-8", errors="replace")


def records_of(text: str, records_path: str) -> list[dict[str, str | None]]:
    """The page's records, each field as text."""
    try:
        body = json.loads(text, parse_float=Number, parse_int=Number)
    except ValueError as exc:
        raise MalformedPage("parseable_json", "the response body is JSON", str(exc)) from None
    if "\ufffd" in text:
        raise MalformedPage("decodes_as_utf_8", "every byte of the body decodes as UTF-8",
                            "bytes that are not UTF-8")
    where = records_path or "the top level"
    try:
        records = at_path(body, records_path)
    except KeyError:
        records = None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise MalformedPage("has_records", f"a list of JSON objects at {where}",
                            f"no list of objects at {where}")
    return [{k: as_text(v) for k, v in r.items()} for r in records]


def as_text(value: Any) -> str | None:
    """One field's value as raw keeps it."""
    if value is None:
        return None
    if isinstance(value, str):
        return str(value)  # a Number: its delivered text
    return to_json(value)


def to_json(value: Any) -> str:
    """Compact JSON with numbers as delivered."""
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{to_json(v)}"
                              for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
