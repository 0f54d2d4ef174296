"""Where tables live: storage roots made absolute, and one Delta table per layer and dataset,
by path under the storage root or by name in a catalog's schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prodi.model.schema.app import CloudSpec


def absolute_storage(path: str) -> str:
    """A storage root: URIs (s3a://, abfss://, gs://, file:) as they are, local folders made absolute."""
    if "://" in path or path.startswith("file:"):
        return path.rstrip("/")
    return str(Path(path).expanduser().resolve())


def file_uri_path(path: str) -> str:
    """A `file:` URI (`file:/x`, `file:///x`) as the local path it names; any other path as is."""
    return "/" + path[len("file:"):].lstrip("/") if path.startswith("file:") else path


def is_table_name(table: str) -> bool:
    """Whether `table` is a catalog name (`catalog.schema.table`), not a location: a location
    always holds a "/" (a path or URI)."""
    return "/" not in table


@dataclass(frozen=True)
class TableSpace:
    """Where a run's Delta tables are: folders under a storage root, or, with a schema
    (`catalog.schema`, or `schema` in the session's current catalog), names in it."""

    root: str
    schema: str | None = None

    @classmethod
    def of(cls, cloud: CloudSpec, root: str | None = None) -> TableSpace:
        """The cloud's tables (`root`: its storage root with secrets resolved)."""
        schema = ".".join(p for p in (cloud.catalog, cloud.schema) if p) if cloud.schema else None
        return cls(cloud.storage.root if root is None else root, schema)

    def table(self, folder: str, name: str) -> str:
        """`<root>/<folder>/<name>`, or by name `<schema>.<folder>_<name>` (a `/` in the folder
        becomes `_`, and leading underscores go: `_prodi/runs` is `prodi_runs`)."""
        if self.schema is None:
            return f"{absolute_storage(self.root)}/{folder}/{name}"
        words = (w.strip("_") for w in f"{folder}/{name}".split("/"))
        return f"{self.schema}.{'_'.join(w for w in words if w)}"


def table_location(cloud: CloudSpec, layer: str, prefix: str, dataset: str) -> str:
    """The Delta table of one dataset in one layer: `<root>/<layer>/<prefix><dataset>`, or by
    name `<catalog>.<schema>.<layer>_<prefix><dataset>` (e.g. `main.sales.silver_orders`)."""
    return TableSpace.of(cloud).table(layer, f"{prefix}{dataset}")
