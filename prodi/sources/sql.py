"""A mart's SQL over the tables of the layer below, each a view named after its item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prodi.model.errors import ConfigError
from prodi.model.schema.pipeline import MartSpec
from prodi.model.sql import referenced_tables, sql_problem
from prodi.plugins.item import Item, items_of
from prodi.plugins.run import StageRun
from prodi.sources.base import Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


class MissingUpstreamError(Exception):
    """A mart reads a table that has not been built yet."""


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
        return {"reads": f"{item.layer.upstream} views ({', '.join(item.upstream_items())})",
                "sql": self._sql(item).strip()}

    def read(self, run: StageRun) -> DataFrame | None:
        """The mart's query over its input tables, pinned to their current versions; nothing
        (the item stops) when the mart was last built from exactly these versions."""
        from prodi.io import delta_tables, delta_versions

        item, spark = run.item, run.spark
        wanted = referenced_tables(self._sql(item))
        missing, read = [], []
        for view, layer in self._views(item):
            if view not in wanted:
                continue
            location = run.location(layer, view)
            if not delta_tables.readable(spark, location):
                missing.append(f"{view} ({layer}, {location})")
                continue
            run.inputs[location] = version = delta_versions.current_version(spark, location)
            read.append(f"{view} v{version}")
            delta_tables.read(spark, location, version).createOrReplaceTempView(view)
            run.on_done(lambda v=view: spark.catalog.dropTempView(v))
        if missing:
            raise MissingUpstreamError(
                f"mart {item.name!r} reads {missing}, which have no table yet; run "
                f"layer={item.layer.upstream} first")
        if not run.full_refresh and delta_tables.exists(spark, run.target):
            last = next(delta_versions.processed(spark, run.target), None)
            if last is not None and last.inputs == run.inputs:
                run.stop("ok", "up to date with " + ", ".join(read))
                return None
        return spark.sql(self._sql(item))
