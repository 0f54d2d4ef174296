"""Spark SQL type names a config may declare, checked without a JVM."""

from __future__ import annotations

import re

SIMPLE_TYPES = frozenset({
    "string", "int", "integer", "bigint", "long", "smallint", "short", "tinyint", "byte",
    "double", "float", "real", "boolean", "bool", "date", "timestamp", "timestamp_ntz", "binary",
})
_DECIMAL = re.compile(r"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$")
EXPECTED = "a Spark type (string, int, bigint, double, decimal(p,s), date, timestamp, boolean, ...)"


def valid_type(type_text: str) -> bool:
    t = type_text.strip().lower()
    m = _DECIMAL.match(t)
    if m:
        precision, scale = int(m.group(1)), int(m.group(2))
        return 0 < precision <= 38 and scale <= precision
    return t in SIMPLE_TYPES
