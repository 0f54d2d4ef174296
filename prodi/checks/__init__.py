"""Data quality checks by name. Add one: subclass `Check`, register it under `prodi.checks`."""

from prodi.checks.base import Check, Rule
from prodi.checks.builtin import Expr, NotNull
from prodi.plugins.registry import Registry

CHECKS: Registry[Check] = Registry("check", "prodi.checks", Check, {"expr": Expr, "not_null": NotNull})

__all__ = ["CHECKS", "Check", "Rule"]
