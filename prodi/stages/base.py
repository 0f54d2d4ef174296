"""A stage: one step of a layer's run over one item (read, check, write, ...).

A layer declares its stages in `conf/layer/<name>.yaml`; each is bound to each item when the
run is planned (no JVM), where it checks what the item declares, and runs later on Spark.
"""

from __future__ import annotations

from typing import Any, ClassVar

from prodi.model.errors import ConfigError
from prodi.plugins.base import Plugin
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun


class Stage(Plugin):
    """Subclasses implement `run`, and `prepare`/`columns`/`plan` when they read the item."""

    # The keys of a dataset's section this stage reads; a section key no stage reads is an error.
    uses: ClassVar[tuple[str, ...]] = ()
    item: Item

    def prepare(self, item: Item, errors: list[ConfigError]) -> None:
        """Bind to `item`: look up the sources, steps, checks or sinks it names."""
        self.item = item

    def adapt(self, stages: tuple[Stage, ...]) -> None:
        """Once every stage of the item is bound: adjust to the others (default: nothing)."""

    def section_keys(self) -> tuple[str, ...]:
        return self.uses

    def columns(self, columns: list[str] | None, errors: list[ConfigError]) -> list[str] | None:
        """The columns after this stage (None: not known before running); bad names to `errors`."""
        return columns

    def plan(self) -> dict[str, Any]:
        """Entries of the dry-run plan for this item."""
        return {}

    def run(self, run: StageRun) -> None:
        raise NotImplementedError
