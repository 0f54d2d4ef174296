"""Config files named by the user: `dbfs:/` paths read through the local fuse mount."""

from __future__ import annotations

import os
from pathlib import Path

DBFS_ROOT_ENV = "PRODI_DBFS_ROOT"


def local_path(path: str) -> Path:
    """The local file behind a config path: `dbfs:/x` is `/dbfs/x` (or `$PRODI_DBFS_ROOT/x`)."""
    if path.startswith("dbfs:/"):
        root = os.environ.get(DBFS_ROOT_ENV, "/dbfs")
        return Path(root) / path[len("dbfs:/") :].lstrip("/")
    return Path(path).expanduser()
