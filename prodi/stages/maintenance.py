"""A table's `maintenance` settings, checked against its columns and layout (no JVM), so
`prodi validate` and every run catch what `prodi maintain` could not do."""

from __future__ import annotations

from prodi.model.errors import ConfigError
from prodi.model.sql import unknown_column
from prodi.plugins.item import Item

PROPERTY_PREFIX = "delta."


def maintenance_errors(item: Item, columns: list[str] | None, partitions: tuple[str, ...]
                       ) -> list[ConfigError]:
    """Problems in the item's settings; `columns` are the table's (None: not known)."""
    spec = item.section.maintenance
    path = f"{item.path}.maintenance"
    errors: list[ConfigError] = []
    if spec.zorder_by and spec.cluster_by:
        errors.append(ConfigError(f"{path}.cluster_by", "either zorder_by or cluster_by (Delta "
                                  "can't Z-order a liquid-clustered table)", "both"))
    for key in ("zorder_by", "cluster_by"):
        for i, column in enumerate(getattr(spec, key)):
            if columns is not None and column not in columns:
                errors.append(unknown_column(f"{path}.{key}[{i}]", column, columns))
            elif key == "zorder_by" and column in partitions:
                errors.append(ConfigError(f"{path}.zorder_by[{i}]", "a column that is not a "
                                          "partition column (Delta refuses to Z-order by one)",
                                          repr(column)))
    if spec.cluster_by and partitions:
        errors.append(ConfigError(f"{path}.cluster_by", "an unpartitioned table (Delta 3.3 "
                                  "clusters only tables without partition columns), or "
                                  "zorder_by", f"a table partitioned by {', '.join(partitions)}"))
    errors += [ConfigError(f"{path}.properties.{key}", f"a Delta table property "
                           f"({PROPERTY_PREFIX}*, e.g. delta.enableChangeDataFeed)", repr(key))
               for key in spec.properties if not key.startswith(PROPERTY_PREFIX)]
    return errors
