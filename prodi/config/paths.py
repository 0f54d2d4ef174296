"""Where config files and tables live: DBFS/Volumes paths and table locations."""

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


def absolute_storage(path: str) -> str:
    """A storage root: URIs (s3a://, abfss://, gs://, file:) as they are, local folders made absolute."""
    if "://" in path or path.startswith("file:"):
        return path.rstrip("/")
    return str(Path(path).expanduser().resolve())


def table_location(root: str, layer: str, prefix: str, dataset: str) -> str:
    """The Delta table path of one dataset in one layer."""
    return f"{absolute_storage(root)}/{layer}/{prefix}{dataset}"
