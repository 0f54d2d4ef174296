"""A planned item: its stages bound to it, ready to run or to describe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prodi.plugins.item import Item
from prodi.stages.base import Stage


@dataclass(frozen=True)
class ItemPlan:
    item: Item
    stages: tuple[Stage, ...]

    def describe(self) -> dict[str, Any]:
        """The item's entry in the dry-run plan: what each stage says it will do."""
        entry: dict[str, Any] = {"dataset": self.item.name}
        for stage in self.stages:
            entry.update(stage.plan())
        return entry
