"""Where an HTTP source's responses land before anything parses them: one file per page and a
manifest per run, `<root>/<landed date>/<run id>/page-000001.json`, on any fsspec filesystem
(local folders, Volumes, cloud URLs), so a run can be checked or replayed later.
"""

from __future__ import annotations

import json
import re
from typing import Any

import fsspec

MANIFEST = "manifest.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def page_name(number: int) -> str:
    return f"page-{number:06d}.json"


def _fs(path: str) -> tuple[Any, str]:
    return fsspec.core.url_to_fs(path)


class ResponseFolder:
    """One run's responses."""

    def __init__(self, root: str, landed_date: str, run_id: str) -> None:
        self.root, self.landed_date, self.run_id = root.rstrip("/"), landed_date, run_id
        self.path = f"{self.root}/{landed_date}/{_UNSAFE.sub('_', run_id)}"
        self._fs, self._at = _fs(self.path)
        self._made = False

    def page_path(self, number: int) -> str:
        """Where page `number` lands (as `_source_file` names it)."""
        return f"{self.path}/{page_name(number)}"

    def write_page(self, number: int, body: bytes) -> str:
        self._write(page_name(number), body)
        return self.page_path(number)

    def read_page(self, number: int) -> bytes:
        with self._fs.open(f"{self._at}/{page_name(number)}", "rb") as f:
            return f.read()

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        self._write(MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))

    def _write(self, name: str, data: bytes) -> None:
        if not self._made:
            self._fs.makedirs(self._at, exist_ok=True)
            self._made = True
        with self._fs.open(f"{self._at}/{name}", "wb") as f:
            f.write(data)


def find_run(root: str, run_id: str) -> tuple[ResponseFolder, dict[str, Any]] | None:
    """The folder and manifest of an earlier run's responses under `root`, or None."""
    root = root.rstrip("/")
    fs, at = _fs(root)
    run = _UNSAFE.sub("_", run_id)
    found = sorted(fs.glob(f"{at}/*/{run}/{MANIFEST}"))
    if not found:
        return None
    landed_date = found[-1].rstrip("/").split("/")[-3]
    folder = ResponseFolder(root, landed_date, run_id)
    with fs.open(found[-1], "rb") as f:
        return folder, json.loads(f.read().decode("utf-8"))

