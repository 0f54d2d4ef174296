"""Transform steps by name. Add one: subclass `Step`, register it under `prodi.steps`."""

from prodi.plugins.registry import Registry
from prodi.steps.base import Step
from prodi.steps.columns import Cast, Derive, Drop, FillNull, Rename
from prodi.steps.rows import Filter
from prodi.steps.text import Lower, NullIfEmpty, Trim, Upper

STEPS: Registry[Step] = Registry("step", "prodi.steps", Step, {
    "trim": Trim, "upper": Upper, "lower": Lower, "null_if_empty": NullIfEmpty, "cast": Cast,
    "rename": Rename, "derive": Derive, "filter": Filter, "drop": Drop, "fill_null": FillNull,
})

__all__ = ["STEPS", "Step"]
