"""The userMetadata of every Delta commit prodi makes: which run wrote it, and from what.

It is JSON, so a later run can read back the input table versions a commit was computed from
(`inputs`) and the run date it covers (`run_date`, null for every date). A source outside the
lakehouse (a database, an API, another table) also records how far it has read (`source_state`,
e.g. a watermark or a table version), so the state advances in the same commit as the rows.
"""

from __future__ import annotations

import json
from typing import Any


def encode(run_id: str, token: str, item: str, inputs: dict[str, int], run_date: str | None,
           source_state: dict[str, Any] | None = None) -> str:
    note = {"prodi_run": run_id, "write": token, "item": item, "inputs": inputs,
            "run_date": run_date}
    if source_state is not None:
        note["source_state"] = source_state
    return json.dumps(note, sort_keys=True)


def decode(text: str | None) -> dict[str, Any] | None:
    """The note of a prodi commit, or None for any other commit (or an older, plain-text note)."""
    if not text or not text.startswith("{"):
        return None
    try:
        note = json.loads(text)
    except ValueError:
        return None
    return note if isinstance(note, dict) and "prodi_run" in note else None
