"""Stages that give rows the declared schema: check casts, conform, stamp ingestion metadata."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from prodi.checks.base import Rule
from prodi.model.columns import INGESTED_AT, INGESTION, INGESTION_TYPES, RUN_ID
from prodi.model.errors import ConfigError
from prodi.model.schema.pipeline import ColumnSpec, SectionSpec
from prodi.model.spark_types import EXPECTED, valid_type
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.stages.base import Stage
from prodi.stages.rules import apply_rules


def _declared(item: Item) -> tuple[ColumnSpec, ...]:
    section = item.section
    return section.columns or () if isinstance(section, SectionSpec) else ()


@dataclass(frozen=True)
class TypeCheckOptions:
    action: Literal["warn", "drop", "quarantine", "fail"] = "quarantine"


class ValidateTypes(Stage):
    """Each delivered value must cast to its declared type, without rounding unless the column
    says `on_precision_loss: round`; rows that don't get the action (default: quarantine).
    A declared column the rows lack is added as NULL, with a warning."""

    Options = TypeCheckOptions
    uses = ("columns",)

    def rules(self) -> list[Rule]:
        rules = []
        for c in _declared(self.item):
            if c.type.lower() == "string":
                continue
            name, kind = f"`{c.name}`", c.type.replace(" ", "")
            rules.append(Rule(f"{c.name}_is_{kind}",
                              f"{name} IS NULL OR try_cast({name} AS {c.type}) IS NOT NULL",
                              self.options.action))
            if kind.lower().startswith("decimal") and c.on_precision_loss == "quarantine":
                rules.append(Rule(f"{c.name}_fits_{kind}_without_rounding",
                                  f"{name} IS NULL OR try_cast({name} AS {c.type}) IS NULL OR "
                                  f"try_cast({name} AS DECIMAL(38, 18)) = "
                                  f"try_cast(try_cast({name} AS {c.type}) AS DECIMAL(38, 18))",
                                  self.options.action))
        return rules

    def plan(self) -> dict[str, Any]:
        return {"type_checks": [f"{r.name} [{r.action}]" for r in self.rules()]}

    def run(self, run: StageRun) -> None:
        from pyspark.sql import functions as F

        assert run.df is not None
        missing = [c.name for c in _declared(run.item) if c.name not in run.df.columns]
        if missing:
            run.warn(f"the rows read have no column(s) {missing} declared in "
                     f"{run.item.path}.columns: they are NULL")
            run.df = run.df.withColumns({c: F.lit(None).cast("string") for c in missing})
        apply_rules(run, self.rules())


class Conform(Stage):
    """The declared columns, cast to their types, then the ingestion metadata."""

    uses = ("columns",)

    def prepare(self, item: Item, errors: list[ConfigError]) -> None:
        super().prepare(item, errors)
        section = item.section
        if not isinstance(section, SectionSpec) or section.columns is None:
            errors.append(ConfigError(f"{item.path}.columns", "a value (list of a mapping "
                                      "(ColumnSpec))", "nothing (missing)"))
            return
        seen: list[str] = []
        for i, col in enumerate(section.columns):
            if not valid_type(col.type):
                errors.append(ConfigError(f"{item.path}.columns[{i}].type", EXPECTED, repr(col.type)))
            if col.name in seen:
                errors.append(ConfigError(f"{item.path}.columns[{i}].name", "a unique column name",
                                          f"{col.name!r} again"))
            seen.append(col.name)

    def columns(self, columns: list[str] | None, errors: list[ConfigError]) -> list[str] | None:
        return [*(c.name for c in _declared(self.item)), *INGESTION]

    def plan(self) -> dict[str, Any]:
        return {"schema": {c.name: c.type for c in _declared(self.item)}}

    def run(self, run: StageRun) -> None:
        from pyspark.sql import functions as F

        assert run.df is not None
        present = set(run.df.columns)
        carried = [(F.col(c) if c in present else F.lit(None)).cast(t).alias(c)
                   for c, t in INGESTION_TYPES.items()]
        # try_cast, not cast: a value ValidateTypes let through (action warn) becomes NULL on
        # every Spark, where ANSI mode (Spark 4's default) would fail the run on it.
        run.df = run.df.select(*[F.expr(f"try_cast(`{c.name}` AS {c.type})").alias(c.name)
                                 for c in _declared(run.item)], *carried)


class Stamp(Stage):
    """Adds when the rows were ingested and by which run."""

    def columns(self, columns: list[str] | None, errors: list[ConfigError]) -> list[str] | None:
        return None if columns is None else [*columns, INGESTED_AT, RUN_ID]

    def run(self, run: StageRun) -> None:
        from pyspark.sql import functions as F

        assert run.df is not None
        run.df = run.df.withColumns({INGESTED_AT: F.current_timestamp(), RUN_ID: F.lit(run.run_id)})
