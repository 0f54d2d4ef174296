"""Another Delta table, whole or through its Change Data Feed. (Being built.)"""

from __future__ import annotations

from prodi.sources.base import Source


class DeltaTableSource(Source):
    """Another Delta table, whole or through its Change Data Feed."""
