"""Stages that clean rows: transform steps, expectations, the latest version per key."""

from __future__ import annotations

from typing import Any

from prodi.checks import CHECKS, Check, Rule
from prodi.model.errors import ConfigError
from prodi.model.schema.pipeline import SectionSpec
from prodi.model.sql import unknown_column
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.stages.base import Stage
from prodi.stages.rules import apply_rules
from prodi.steps import STEPS, Step


def _section(item: Item) -> SectionSpec:
    assert isinstance(item.section, SectionSpec), f"{item.path} is not a dataset section"
    return item.section


class Transform(Stage):
    """The section's `steps`, in order."""

    uses = ("steps",)
    steps: list[Step]

    def prepare(self, item: Item, errors: list[ConfigError]) -> None:
        super().prepare(item, errors)
        self.steps = []
        for spec in _section(item).steps:
            if spec.type is None:
                errors.append(ConfigError(spec.path, f"a mapping with a `type` key (one of "
                                          f"{', '.join(STEPS.names())})", "no type"))
                continue
            step = STEPS.bind(spec, errors)
            if step is not None:
                self.steps.append(step)

    def columns(self, columns: list[str] | None, errors: list[ConfigError]) -> list[str] | None:
        for step in self.steps:
            if columns is not None:
                columns = step.columns_after(columns, errors)
        return columns

    def plan(self) -> dict[str, Any]:
        return {"steps": [s.describe() for s in self.steps]}

    def run(self, run: StageRun) -> None:
        assert run.df is not None
        for step in self.steps:
            run.df = run.df.transform(step.apply)


class Expectations(Stage):
    """The section's `expectations`: warn, drop or fail per rule; plus rules a later stage
    implies (keys present), checked in the same pass."""

    uses = ("expectations",)
    checks: list[tuple[str, str, Check]]
    implied: list[Rule]

    def prepare(self, item: Item, errors: list[ConfigError]) -> None:
        super().prepare(item, errors)
        self.checks, self.implied = [], []
        seen: set[str] = set()
        for i, spec in enumerate(_section(item).expectations):
            if spec.name in seen:
                errors.append(ConfigError(f"{item.path}.expectations[{i}].name", "a unique rule name",
                                          repr(spec.name)))
            seen.add(spec.name)
            check = CHECKS.bind(spec.check, errors)
            if check is not None:
                self.checks.append((spec.name, spec.action, check))

    def columns(self, columns: list[str] | None, errors: list[ConfigError]) -> list[str] | None:
        for _, _, check in self.checks:
            errors += check.validate(columns)
        return columns

    def rules(self) -> list[Rule]:
        own = [Rule(name, check.predicate(), action) for name, action, check in self.checks]
        return own + self.implied

    def plan(self) -> dict[str, Any]:
        return {"expectations": [{"name": r.name, "expr": r.predicate, "action": r.action}
                                 for r in self.rules()]}

    def run(self, run: StageRun) -> None:
        apply_rules(run, self.rules())


class LatestPerKey(Stage):
    """One row per business key: the newest by `sequence_by`, then by landing and ingestion.
    For a sink that keeps every version (scd2, deletes), one row per key and sequence value.

    A row without a key, or without a sequence value, is quarantined: it can't be matched or
    ordered. The rules run with the expectations before it when there are any (one pass)."""

    uses = ("keys", "sequence_by", "dedupe")
    by_version = False
    checked_by: Expectations | None = None

    def adapt(self, stages: tuple[Stage, ...]) -> None:
        from prodi.stages.io import Write

        before = stages[:stages.index(self)]
        checks = [i for i, s in enumerate(before) if isinstance(s, Expectations)]
        # Only when no stage between them changes the rows the rules see.
        if checks and all(isinstance(s, (Expectations, LatestPerKey)) for s in before[checks[-1]:]):
            self.checked_by = before[checks[-1]]  # type: ignore[assignment]
        if self.checked_by is not None:
            self.checked_by.implied += self.rules()
        sink = next((s.sink for s in stages if isinstance(s, Write) and s.sink is not None), None)
        self.by_version = sink is not None and sink.keeps_versions()

    def rules(self) -> list[Rule]:
        section = _section(self.item)
        rules = [Rule(f"key_{k}_not_null", f"`{k}` IS NOT NULL", "quarantine")
                 for k in section.keys or ()]
        if section.sequence_by:
            rules.append(Rule(f"sequence_{section.sequence_by}_not_null",
                              f"`{section.sequence_by}` IS NOT NULL", "quarantine"))
        return rules

    def grain(self) -> list[str]:
        section = _section(self.item)
        keys = list(section.keys or ())
        return keys + [section.sequence_by] if self.by_version and section.sequence_by else keys

    def columns(self, columns: list[str] | None, errors: list[ConfigError]) -> list[str] | None:
        section, path = _section(self.item), self.item.path
        if not section.keys:
            errors.append(ConfigError(f"{path}.keys", "at least one business key column",
                                      "[]" if section.keys == () else "nothing (missing)"))
        if columns is not None:
            errors += [unknown_column(f"{path}.keys[{i}]", k, columns)
                       for i, k in enumerate(section.keys or ()) if k not in columns]
            if section.sequence_by is not None and section.sequence_by not in columns:
                errors.append(unknown_column(f"{path}.sequence_by", section.sequence_by, columns))
        return columns

    def plan(self) -> dict[str, Any]:
        section = _section(self.item)
        return {"keys": list(section.keys or ()), "sequence_by": section.sequence_by,
                "one_row_per": self.grain()}

    def run(self, run: StageRun) -> None:
        from prodi.stages.latest import latest_per_key

        assert run.df is not None
        if self.checked_by is None:
            apply_rules(run, self.rules())
        section = _section(run.item)
        # Counted by the sink's metrics. Not cached: computing it again for a MERGE's second
        # pass costs less than a cache, and ties are broken down to the record, so both agree.
        run.df = latest_per_key(run.df, self.grain(), section.sequence_by)
        run.superseding = True
