"""Landed files: find them in a landing folder (`prodi.io.storage`) and read them as delivered.

A file's landed date comes from its path relative to the landing folder (its name, unless the
folder is read recursively): the first match of `date_pattern`, or its groups, so dates spelled
as folders (`2026/01/03/part-1.csv` with `(\\d{4})/(\\d{2})/(\\d{2})`) work as well as dates in
names. The date helpers import no Spark, so validation can use them.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    from pyspark.sql import Column, SparkSession

_PARTS = ("year", "month", "day")


@dataclass(frozen=True)
class LandedFile:
    path: str
    name: str  # its path relative to the landing folder (its file name, unless recursive)
    landed_date: str | None
    size: int
    modified: int  # ms since the epoch


def normalize_path(path: str) -> str:
    """One spelling per file: `file:/x`, `file:///x` and `/x` are the same file."""
    parsed = urlparse(path)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path)
    return f"{parsed.scheme}://{parsed.netloc}{unquote(parsed.path)}"


def date_pattern_problem(pattern: str) -> str | None:
    """Why `pattern` can't give a landed date (None: it can). The date is the whole match, its
    one group, or three groups (year, month, day; or named so) joined with dashes."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"{pattern!r} ({exc})"
    if set(_PARTS) <= set(compiled.groupindex) or compiled.groups in (0, 1, 3):
        return None
    return f"{pattern!r} ({compiled.groups} groups)"


def landed_date(name: str, date_pattern: str | None) -> str | None:
    """The landed date `date_pattern` finds in `name` (a path relative to the landing folder)."""
    if date_pattern is None:
        return None
    m = re.search(date_pattern, name)
    if m is None:
        return None
    if set(_PARTS) <= set(m.re.groupindex):
        parts = [m.group(p) for p in _PARTS]
    elif m.re.groups == 3:
        parts = list(m.groups())
    else:
        parts = [m.group(m.re.groups)]  # the whole match, or its one group
    return None if None in parts else "-".join(parts)  # a group left out: no date


@dataclass(frozen=True)
class LandingFolder:
    """A folder of delivered files (secrets already resolved in its path)."""

    path: str
    glob: str
    date_pattern: str | None
    recursive: bool = False  # files at any depth whose name matches the glob

    def list(self, spark: SparkSession | None) -> list[LandedFile]:
        """The files matching the glob, sorted by their path relative to the folder: one
        listing per folder the glob (or, recursive, the tree) reaches."""
        from prodi.io.storage import storage_for

        root = self.path.rstrip("/") or "/"
        storage = storage_for(spark, root)
        found = walk(storage.ls, root, self.glob, self.recursive)
        base = qualified(root).rstrip("/") + "/"
        return sorted((LandedFile(base + name, name, landed_date(name, self.date_pattern),
                                  entry.size, entry.modified) for name, entry in found.items()),
                      key=lambda f: f.name)

    def exists(self, spark: SparkSession | None) -> bool:
        from prodi.io.storage import storage_for

        return storage_for(spark, self.path).exists(self.path)


class _Entry(Protocol):
    name: str
    size: int
    modified: int
    is_dir: bool


def walk(ls: Callable[[str], Sequence[_Entry] | None], root: str, glob: str, recursive: bool
         ) -> dict[str, _Entry]:
    """The files under `root` that `glob` matches, by path relative to `root`, as Hadoop's
    globbing finds them (`*`, `?`, `[...]`, `[^...]`, `{a,b}`, `\\` escapes; a `/` in the glob
    reaches into subfolders), or, recursive, every file at any depth whose name matches it
    (fnmatch). `ls(folder)` lists one folder (None: not there), once per folder."""
    listed: dict[str, Sequence[_Entry]] = {}

    def entries(rel: str) -> Sequence[_Entry]:
        if rel not in listed:
            listed[rel] = ls(f"{root.rstrip('/')}/{rel}" if rel else root) or []
        return listed[rel]

    found: dict[str, _Entry] = {}
    if recursive:
        folders = [""]
        while folders:
            rel = folders.pop()
            for e in entries(rel):
                path = f"{rel}/{e.name}" if rel else e.name
                if e.is_dir:
                    folders.append(path)
                elif fnmatch.fnmatchcase(e.name, glob):
                    found[path] = e
        return found
    for pattern in expand_braces(glob):
        segments = [segment_regex(s) for s in pattern.split("/") if s]
        level: list[tuple[str, _Entry | None]] = [("", None)]
        for depth, segment in enumerate(segments):
            last = depth == len(segments) - 1
            level = [(f"{rel}/{e.name}" if rel else e.name, e) for rel, _ in level
                     for e in entries(rel) if (last or e.is_dir) and segment.fullmatch(e.name)]
        found.update({rel: e for rel, e in level if e is not None and not e.is_dir})
    return found


def expand_braces(glob: str) -> list[str]:
    """`{a,b}` alternatives (nested too) spelled out: `x{a,b/c}` -> [`xa`, `xb/c`]."""
    depth, start, commas = 0, -1, []
    i = 0
    while i < len(glob):
        c = glob[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
            if depth == 1:
                start, commas = i, []
        elif c == "," and depth == 1:
            commas.append(i)
        elif c == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                bounds = [start, *commas, i]
                head, tail = glob[:start], glob[i + 1:]
                return [x for a, b in pairwise(bounds)
                        for x in expand_braces(head + glob[a + 1:b] + tail)]
        i += 1
    return [glob]


def segment_regex(segment: str) -> re.Pattern[str]:
    """One path segment of a glob as a regex: `*` and `?` never cross a `/`."""
    out, in_set, i = [], False, 0
    while i < len(segment):
        c = segment[i]
        if c == "\\" and i + 1 < len(segment):
            out.append(re.escape(segment[i + 1]))
            i += 2
            continue
        if in_set:
            if c == "]":
                in_set = False
                out.append(c)
            elif c in "!^" and out[-1] == "[":
                out.append("^")
            else:
                out.append("\\" + c if c in "[\\" else c)
        elif c == "[":
            in_set = True
            out.append(c)
        else:
            out.append({"*": ".*", "?": "."}.get(c) or re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def qualified(path: str) -> str:
    """A folder as its files' paths are spelled: local ones absolute, URIs as given."""
    parsed = urlparse(path)
    if parsed.scheme in ("", "file"):
        return os.path.abspath(unquote(parsed.path))
    return normalize_path(path)


def source_file_column() -> Column:
    """The file a record came from, spelled like `normalize_path` spells it."""
    from pyspark.sql import functions as F

    raw = F.col("_metadata.file_path")
    return F.when(raw.startswith("file:"), F.regexp_replace(raw, r"^file:(//)?", "")).otherwise(raw)
