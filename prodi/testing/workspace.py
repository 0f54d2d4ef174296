"""A pipeline under test: a temporary lakehouse, the user's config dir and overrides, and the
layers run in this process on the active Spark session (pytest-spark's), through the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from prodi.testing.landing import landed_name, write_rows

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from prodi.config.load import LoadedConfig
    from prodi.stages.plan import ItemPlan


class Workspace:
    """Land files, run layers and read tables of one pipeline, on a lakehouse of its own.

    Use it inside `activated()` (the `prodi_workspace` fixture is): prodi then writes under
    `root` (the lakehouse in `root/lakehouse`, Hydra's output in `root/hydra`) and runs from there.
    """

    def __init__(self, root: Path, spark: SparkSession, config_dir: Path | None = None,
                 overrides: Sequence[str] = ()) -> None:
        self.root = Path(root)
        self.lakehouse = self.root / "lakehouse"
        self.spark = spark
        self.config_dir = Path(config_dir).resolve() if config_dir else None
        self.overrides = list(overrides)
        self._configs: dict[str, LoadedConfig] = {}

    @contextmanager
    def activated(self) -> Iterator[Workspace]:
        """prodi pointed at this workspace (environment and working directory) until exit."""
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(self.root)
            mp.setenv("PRODI_LAKEHOUSE", str(self.lakehouse))
            mp.setenv("PRODI_HYDRA_DIR", str(self.root / "hydra"))
            mp.delenv("PRODI_FORCE_DRY_RUN", raising=False)
            yield self

    def cli_args(self, *overrides: str) -> list[str]:
        """The config dir and overrides every command of this workspace takes, then `overrides`."""
        own = ["--config-dir", str(self.config_dir)] if self.config_dir else []
        return [*own, *self.overrides, *overrides]

    def run(self, layers: str | Sequence[str], *overrides: str, check: bool = True) -> int:
        """`prodi run-layer layer=<layers>` in this process (a list or "a,b" is a chain); its
        exit code. With `check`, a non-zero exit fails the test."""
        from prodi.cli.main import main

        names = layers if isinstance(layers, str) else ",".join(layers)
        args = ["run-layer", f"layer={names}", *self.cli_args(*overrides)]
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        if check and code:
            raise AssertionError(f"`prodi {' '.join(args)}` exited {code} (its log is in the "
                                 "captured output above)")
        return code

    @property
    def landing(self) -> Path:
        """The landing root (`cloud.storage.landing`) of the composed config."""
        return Path(self._config(self._first_layer()).tree["cloud"]["storage"]["landing"])

    def land(self, dataset: str, date: str, rows: Sequence[Mapping[str, Any]] | None = None, *,
             file: Path | str | None = None, name: str | None = None, layer: str | None = None
             ) -> Path:
        """Land `rows` (written in the source's format, csv or json) or a copy of `file` for the
        dataset's source on `date` (YYYY-MM-DD); the landed file's path."""
        if (rows is None) == (file is None):
            raise ValueError("land() takes rows or file=, one of them")
        source = self.source(dataset, layer)
        target = Path(source["path"]) / (name or landed_name(dataset, date, source.get("glob"),
                                                             source.get("format")))
        if file is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
            return target
        return write_rows(target, rows, source.get("format"), source.get("options"))

    def land_tree(self, folder: Path | str) -> Path:
        """Copy a landing folder (one sub-folder per dataset, as in `cloud.storage.landing`) in,
        modification times kept; the landing root."""
        shutil.copytree(folder, self.landing, dirs_exist_ok=True)
        return self.landing

    def source(self, dataset: str, layer: str | None = None) -> Mapping[str, Any]:
        """The dataset's resolved landed-files source in `layer` (default: the first layer)."""
        layer = layer or self._first_layer()
        spec = self._config(layer).tree["pipeline"]["datasets"].get(dataset)
        source = ((spec or {}).get(layer) or {}).get("source") or {}
        if spec is None or "path" not in source:
            raise ValueError(f"pipeline.datasets.{dataset}.{layer}.source has no `path`: only a "
                             "landed-files source can be landed into")
        return source

    def table(self, layer: str, name: str) -> DataFrame:
        """The Delta table of a dataset (or mart) in a layer, by path or by catalog name."""
        from prodi.io import delta_tables

        return delta_tables.read(self.spark, self._plan(layer, name).item.target)

    def quarantine(self, layer: str, name: str) -> DataFrame:
        """The quarantine table of a dataset in a layer."""
        from prodi.io import delta_tables
        from prodi.sinks.quarantine import quarantine_location

        return delta_tables.read(self.spark, quarantine_location(self._plan(layer, name).item))

    def rows(self, layer: str, name: str, columns: Sequence[str] | None = None
             ) -> list[dict[str, Any]]:
        """The table's rows as dicts over `columns` (default: all but `_` metadata), sorted."""
        from prodi.testing.frames import visible_columns

        df = self.table(layer, name)
        columns = list(columns or visible_columns(df))
        return [r.asDict() for r in df.select(*columns).orderBy(*columns).collect()]

    def assert_table(self, layer: str, name: str, expected: Sequence[Mapping[str, Any]],
                     columns: Sequence[str] | None = None) -> None:
        """The table holds exactly `expected` (dicts of typed values), in any order, over
        `columns` (default: the expected rows' keys); chispa shows the difference."""
        from prodi.testing.frames import assert_rows

        assert_rows(self.table(layer, name), expected, columns)

    def quarantined(self, layer: str, name: str) -> list[dict[str, Any]]:
        """Each quarantined record: its `file` name, `values` (text) and broken `rules`, sorted;
        none when the quarantine table doesn't exist."""
        from prodi.io import delta_tables
        from prodi.sinks.quarantine import quarantine_location

        if not delta_tables.exists(self.spark, quarantine_location(self._plan(layer, name).item)):
            return []
        records = [{"file": Path(r["_source_file"] or "").name, "record": r["_record_number"],
                    "values": dict(r["_values"] or {}), "rules": [e["rule"] for e in r["_errors"]]}
                   for r in self.quarantine(layer, name).collect()]
        return sorted(records, key=lambda r: (r["file"], r["record"] or 0))

    def _plan(self, layer: str, name: str) -> ItemPlan:
        plans = {p.item.name: p for p in self._config(layer).plans}
        if name not in plans:
            raise ValueError(f"layer {layer} has no dataset or mart {name!r}; it has: "
                             f"{', '.join(sorted(plans)) or 'none'}")
        return plans[name]

    def _first_layer(self) -> str:
        from prodi.config.layers import layer_catalog

        return layer_catalog([str(self.config_dir)] if self.config_dir else []).names()[0]

    def _config(self, layer: str) -> LoadedConfig:
        """The validated config of a layer with this workspace's overrides (composed once)."""
        if layer not in self._configs:
            from prodi.app.preflight import preflight

            (self._configs[layer],) = preflight(
                [f"layer={layer}", *self.overrides, "datasets=[]"],
                str(self.config_dir) if self.config_dir else None)
        return self._configs[layer]
