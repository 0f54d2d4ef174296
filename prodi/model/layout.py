"""Where tables live: storage roots made absolute, and one Delta location per layer and dataset."""

from __future__ import annotations

from pathlib import Path


def absolute_storage(path: str) -> str:
    """A storage root: URIs (s3a://, abfss://, gs://, file:) as they are, local folders made absolute."""
    if "://" in path or path.startswith("file:"):
        return path.rstrip("/")
    return str(Path(path).expanduser().resolve())


def file_uri_path(path: str) -> str:
    """A `file:` URI (`file:/x`, `file:///x`) as the local path it names; any other path as is."""
    return "/" + path[len("file:"):].lstrip("/") if path.startswith("file:") else path


def table_location(root: str, layer: str, prefix: str, dataset: str) -> str:
    """The Delta table path of one dataset in one layer."""
    return f"{absolute_storage(root)}/{layer}/{prefix}{dataset}"
