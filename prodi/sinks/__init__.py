"""Sinks (write modes) by name. Add one: subclass `Sink`, register it under `prodi.sinks`."""

from prodi.plugins.registry import Registry
from prodi.sinks.base import Sink, Written
from prodi.sinks.delta import Append, Merge, Overwrite

SINKS: Registry[Sink] = Registry("sink", "prodi.sinks", Sink, {
    "append": Append, "overwrite": Overwrite, "merge": Merge,
})

__all__ = ["SINKS", "Sink", "Written"]
