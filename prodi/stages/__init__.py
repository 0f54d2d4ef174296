"""Stages by name, as layers list them in `conf/layer/*.yaml`. Add one: subclass `Stage`,
register it under `prodi.stages`."""

from prodi.plugins.registry import Registry
from prodi.stages.base import Stage
from prodi.stages.clean import Expectations, LatestPerKey, Transform
from prodi.stages.io import Read, Write
from prodi.stages.schema import Conform, Stamp, ValidateTypes

STAGES: Registry[Stage] = Registry("stage", "prodi.stages", Stage, {
    "read": Read, "stamp": Stamp, "validate_types": ValidateTypes, "conform": Conform,
    "transform": Transform, "check": Expectations, "latest_per_key": LatestPerKey, "write": Write,
})

__all__ = ["STAGES", "Stage"]
