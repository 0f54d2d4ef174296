"""Landed files (csv, json, parquet, text) in a folder of any Hadoop filesystem, each read once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from loguru import logger

from prodi.model.columns import LANDED_DATE
from prodi.model.errors import ConfigError
from prodi.model.layout import absolute_storage
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sources.base import Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class LandedFilesOptions:
    format: Literal["csv", "json", "parquet", "text"]
    path: str
    glob: str = "*"
    # Regex whose first match in a file name is the file's landed date (YYYY-MM-DD).
    date_pattern: str | None = None
    options: dict[str, str] = field(default_factory=dict)  # Spark reader options


class LandedFiles(Source):
    """Appends what is new: files already in the target table (by path) are not read again."""

    Options = LandedFilesOptions
    counted = False

    def validate(self, item: Item) -> list[ConfigError]:
        pattern = self.options.date_pattern
        if pattern is None:
            return []
        try:
            re.compile(pattern)
        except re.error as exc:
            return [ConfigError(f"{self.path}.date_pattern", "a valid regular expression",
                                f"{pattern!r} ({exc})")]
        return []

    def plan(self, item: Item) -> dict[str, Any]:
        o = self.options
        scope = f"{LANDED_DATE} = '{item.run_date}'" if item.run_date else "all dates"
        return {"reads": f"{absolute_storage(o.path)}/{o.glob} ({o.format}, files not yet "
                         f"ingested; {scope})"}

    def read(self, run: StageRun) -> DataFrame | None:
        from prodi.io import delta_tables
        from prodi.io.landing import LandingFolder

        o = self.options
        folder = LandingFolder(absolute_storage(o.path), o.glob, o.date_pattern, o.format,
                               o.options)
        files = folder.list(run.spark)
        if run.item.run_date is not None:
            files = [f for f in files if f.landed_date == run.item.run_date]
        target = run.target
        done = delta_tables.ingested_files(run.spark, target, run.item.run_date) if files else set()
        new = [f for f in files if f.path not in done]
        logger.info("{}/{}: {} landed file(s) in {}, {} already ingested, {} new",
                    run.item.layer.name, run.item.name, len(files), folder.path,
                    len(files) - len(new), len(new))
        if not new:
            run.stop("ok", "nothing new")
            return None
        run.note = f"{len(new)} file(s)"
        run.count_on_write = True
        return folder.read(run.spark, new)

