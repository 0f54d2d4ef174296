"""Walking plain config trees (dicts and lists) with the key path of every leaf."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any


def join(path: str, key: str | int) -> str:
    """`a.b` + `c` -> `a.b.c`; `a.b` + 0 -> `a.b[0]`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def map_strings(node: Any, fn: Callable[[str, str], Any], path: str = "") -> Any:
    """A copy of `node` with every string leaf replaced by `fn(text, key path)`."""
    if isinstance(node, str):
        return fn(node, path)
    if isinstance(node, Mapping):
        return {k: map_strings(v, fn, join(path, str(k))) for k, v in node.items()}
    if isinstance(node, Sequence) and not isinstance(node, (bytes, bytearray)):
        return [map_strings(v, fn, join(path, i)) for i, v in enumerate(node)]
    return node
