"""A mart's SQL over the tables of the layer below, each a view named after its item."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prodi.model.errors import ConfigError
from prodi.model.schema.pipeline import MartSpec
from prodi.model.sql import referenced_tables, sql_problem
from prodi.plugins.item import Item, items_of
from prodi.plugins.run import StageRun
from prodi.sources.base import Source
from prodi.sources.missing_input import (
    MissingInput,
    handle_missing,
    plan_note,
    table_missing_on_disk,
    upstream_table,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


class Sql(Source):
    """The item's `sql`. Views: the upstream layer's tables, and this layer's other marts (so a
    mart may read one built before it). They are dropped when the item is done."""

    counted = False

    @staticmethod
    def _sql(item: Item) -> str:
        assert isinstance(item.section, MartSpec)
        return item.section.sql

    @staticmethod
    def _views(item: Item) -> list[tuple[str, str]]:
        """(view name, the layer whose table it is)."""
        up = [(n, item.layer.upstream or "") for n in item.upstream_items()]
        own = [(n, item.layer.name) for n in items_of(item.app, item.catalog, item.layer)
               if n != item.name]
        return [*up, *own]

    def validate(self, item: Item) -> list[ConfigError]:
        if not isinstance(item.section, MartSpec):
            return [ConfigError(self.path, "a mart (the sql source reads a mart's `sql`)",
                                "a dataset section")]
        path = f"{item.path}.sql"
        problem = sql_problem(item.section.sql, expression=False)
        if problem:
            return [ConfigError(path, "one Spark SQL query", problem)]
        views = sorted(n for n, _ in self._views(item))
        return [ConfigError(path, f"tables that are {item.layer.upstream} items or "
                                  f"{item.layer.name} marts ({', '.join(views)})",
                            f"a reference to {table!r}")
                for table in sorted(referenced_tables(item.section.sql) - set(views))]

    def plan(self, item: Item) -> dict[str, Any]:
        missing = [m for m in self._inputs(item, item.location) if table_missing_on_disk(m.path)]
        return {"reads": f"{item.layer.upstream} views ({', '.join(item.upstream_items())})",
                "sql": self._sql(item).strip(), **plan_note(item, missing)}

    def _read_views(self, item: Item) -> list[tuple[str, str]]:
        """The views the query reads: (view name, the layer whose table it is)."""
        wanted = referenced_tables(self._sql(item))
        return [(view, layer) for view, layer in self._views(item) if view in wanted]

    def _inputs(self, item: Item, location: Callable[[str, str], str]) -> list[MissingInput]:
        """Each table the query reads, as what would be missing if it weren't there."""
        return [upstream_table(layer, location(layer, view))
                for view, layer in self._read_views(item)]

    def read(self, run: StageRun) -> DataFrame | None:
        """The mart's query over its input tables, pinned to their current versions; nothing
        (the item stops) when the mart was last built from exactly these versions."""
        from prodi.io import delta_tables, delta_versions

        item, spark = run.item, run.spark
        inputs = self._inputs(item, run.location)
        missing = [m for m in inputs if not delta_tables.readable(spark, m.path)]
        if missing:
            handle_missing(run, missing)
            return None
        read = []
        for (view, _), table in zip(self._read_views(item), inputs, strict=True):
            run.inputs[table.path] = version = delta_versions.current_version(spark, table.path)
            read.append(f"{view} v{version}")
            delta_tables.read(spark, table.path, version).createOrReplaceTempView(view)
            run.on_done(lambda v=view: spark.catalog.dropTempView(v))
        if not run.full_refresh and delta_tables.exists(spark, run.target):
            last = next(delta_versions.processed(spark, run.target), None)
            if last is not None and last.inputs == run.inputs:
                run.stop("ok", "up to date with " + ", ".join(read))
                return None
        return spark.sql(self._sql(item))
