"""Sinks (write modes) by name. Add one: subclass `Sink`, register it under `prodi.sinks`."""

from prodi.plugins.registry import Registry
from prodi.sinks.base import Sink, Written
from prodi.sinks.delta import Append, Overwrite, ReplacePartitions
from prodi.sinks.keyed import Merge, Scd2

SINKS: Registry[Sink] = Registry("sink", "prodi.sinks", Sink, {
    "append": Append, "overwrite": Overwrite, "replace_partitions": ReplacePartitions,
    "merge": Merge, "scd2": Scd2,
})

__all__ = ["SINKS", "Sink", "Written"]
