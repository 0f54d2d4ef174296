"""What a keyed table must hold after a set of change events, built in plain Python from the
whole event set at once: the oracle for `prodi.io.changes`, written without any of its code.

An event is a dict with `id` (key), `seq` (sequence), `a` (tracked), `note` (not tracked), `op`
('U' upsert, 'D' delete) and its arrival: `_landed_date`, `_source_file`, `_record_number`.
"""

from __future__ import annotations

from collections import defaultdict

ARRIVAL = ("_landed_date", "_source_file", "_record_number")
VALUES = ("id", "seq", "a", "note", "op", *ARRIVAL)


def _arrival(e: dict) -> tuple:
    return tuple(e[c] for c in ARRIVAL)


def _by_key(events: list[dict]) -> dict[str, list[dict]]:
    """Per key, one event per sequence value (the one that arrived last), oldest first."""
    kept: dict[tuple, dict] = {}
    for e in events:
        old = kept.get((e["id"], e["seq"]))
        if old is None or _arrival(e) > _arrival(old):
            kept[(e["id"], e["seq"])] = e
    keys: dict[str, list[dict]] = defaultdict(list)
    for (key, _), e in sorted(kept.items()):
        keys[key].append(e)
    return keys


def latest(events: list[dict]) -> set[tuple]:
    """merge: each key's newest event, unless it deletes the key."""
    rows = set()
    for history in _by_key(events).values():
        newest = history[-1]
        if newest["op"] != "D":
            rows.add(tuple(newest[c] for c in VALUES))
    return rows


def scd2(events: list[dict]) -> set[tuple]:
    """scd2 (tracking `a` only): rows of VALUES + (valid_from, valid_to, is_current)."""
    rows = set()
    for history in _by_key(events).values():
        versions: list[dict] = []
        open_version: dict | None = None
        for e in history:
            if e["op"] == "D":
                if open_version is not None:
                    open_version["valid_to"] = e["seq"]
                open_version = None
            elif open_version is not None and open_version["row"]["a"] == e["a"]:
                open_version["row"] = e  # an untracked change: in place
            else:
                if open_version is not None:
                    open_version["valid_to"] = e["seq"]
                open_version = {"row": e, "valid_from": e["seq"], "valid_to": None}
                versions.append(open_version)
        for v in versions:
            rows.add((*(v["row"][c] for c in VALUES), v["valid_from"], v["valid_to"],
                      v["valid_to"] is None))
    return rows
