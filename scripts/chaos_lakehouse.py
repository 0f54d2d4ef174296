"""Demo lakehouses for fault injection: build one, copy it, run layers on it in this process,
and snapshot its tables so two lakehouses that went through different histories can be compared.

Used by scripts/chaos.py and by tests/faults (which import it as `scripts.chaos_lakehouse`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodi.model.columns import INGESTED_AT, QUARANTINED_AT, RUN_ID, SOURCE_FILE

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("raw", "bronze", "silver", "gold")
LANDING = "landing"
LEDGER_DIR = "_prodi"  # the run ledger: one row per run, so it differs by nature between histories
FILE_LEDGER_DIR = "ingested_files"  # raw's ledger of the files it took in: <dir>/raw/<dataset>
# Columns whose values differ between two correct runs over the same input: who ran and when
# (records, quarantine, the file ledger) and commit versions (change feeds).
VOLATILE = frozenset({RUN_ID, INGESTED_AT, QUARANTINED_AT, "run_id", "recorded_at",
                      "_commit_version", "_commit_timestamp"})

Rows = tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Table:
    """A table's columns (volatile ones left out) and its rows, sorted."""

    columns: tuple[str, ...]
    rows: Rows

    def column(self, name: str) -> list[Any]:
        at = self.columns.index(name)
        return [row[at] for row in self.rows]


# table name (its path under the lakehouse root, e.g. "raw/orders") -> contents
Snapshot = dict[str, Table]


@dataclass(frozen=True)
class Lakehouse:
    """A lakehouse root, the working directory its runs start in (logs, Hydra's output), and
    the overrides every `prodi run-layer` on it takes (e.g. `datasets=[orders]`)."""

    root: Path
    workdir: Path
    overrides: tuple[str, ...] = ()

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in (os.environ if base is None else base).items()
               if k != "PRODI_FORCE_DRY_RUN"}
        return {**env, "PRODI_LAKEHOUSE": str(self.root), "PRODI_HYDRA_DIR": str(self.workdir / "hydra"),
                "PRODI_LOG_FORMAT": "text"}

    def save(self, to: Path) -> Path:
        """A copy of the lakehouse as it is now (file times kept: raw records its files')."""
        shutil.copytree(self.root, to, symlinks=True)
        return to

    def restore(self, saved: Path, workdir: Path) -> Lakehouse:
        """The lakehouse put back as it was when `saved`, at the same root: prodi keys what it
        has taken in by absolute path (raw's file ledger, the input versions in commit notes),
        so a copy at another root would take everything in again."""
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.copytree(saved, self.root, symlinks=True)
        workdir.mkdir(parents=True, exist_ok=True)
        return Lakehouse(self.root, workdir, self.overrides)


def demo_lakehouse(base: Path, overrides: tuple[str, ...] = ()) -> Lakehouse:
    """A new lakehouse under `base` with the demo's landing zone and nothing ingested."""
    lakehouse = Lakehouse(base / "lakehouse", base / "work", overrides)
    lakehouse.workdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(REPO / "scripts" / "generate_demo_data.py"),
                    str(lakehouse.root / LANDING)], check=True, capture_output=True)
    return lakehouse


@contextmanager
def _inside(lakehouse: Lakehouse) -> Iterator[None]:
    """The process's environment and working directory as a run of `lakehouse` needs them,
    restored afterwards."""
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.clear()
    os.environ.update(lakehouse.env(saved_env))
    os.chdir(lakehouse.workdir)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def run_here(lakehouse: Lakehouse, layers: str) -> None:
    """`prodi run-layer layer=<layers>` in this process (its Spark session, if one is active)."""
    from prodi.cli.main import main

    with _inside(lakehouse):
        main(["run-layer", f"layer={layers}", *lakehouse.overrides])


# The demo's landed files that arrive with the next delivery, after the first has gone through
# every layer (so a scenario meets tables that exist, as a daily run does); the catalogue
# changes too.
NEXT_DELIVERY = ("orders/orders_2026-01-06.csv", "orders/orders_2026-01-07.csv",
                 "customers/customers_2026-01-07.jsonl")
CATALOGUE_CHANGE = ("P002", "Green tea 100g", "tea", "6.40", "2026-01-06 08:00:00")
FIRST, NEXT = "first", "next"


@dataclass(frozen=True)
class Baseline:
    """A serial history of the demo, per delivery (first, next) and layer: the lakehouse saved
    just before the layer's clean run, the tables it left, how many files it added and how long
    it took (in this process). Scenarios run at the baseline's own root, one at a time."""

    lakehouse: Lakehouse
    saved: dict[tuple[str, str], Path]
    after: dict[tuple[str, str], Snapshot]
    files_added: dict[tuple[str, str], int]
    seconds: dict[tuple[str, str], float]

    def before(self, delivery: str, layer: str, workdir: Path) -> Lakehouse:
        """The lakehouse as it was before the layer's clean run of `delivery`; runs' logs in
        `workdir`."""
        return self.lakehouse.restore(self.saved[delivery, layer], workdir)


def build_baseline(spark: SparkSession, base: Path, layers: tuple[str, ...] = LAYERS[:3],
                   deliveries: tuple[str, ...] = (NEXT,), overrides: tuple[str, ...] = ()
                   ) -> Baseline:
    """The demo's first delivery, then its next one, through `layers` on a new lakehouse under
    `base`, every run with `overrides`; the states and results of `deliveries` kept."""
    from scripts.generate_demo_data import PRODUCTS, write_products

    lakehouse = demo_lakehouse(base, overrides)
    later = base / "not-landed-yet"
    for name in NEXT_DELIVERY:
        (later / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(lakehouse.root / LANDING / name, later / name)  # file times kept
    baseline = Baseline(lakehouse, {}, {}, {}, {})
    if FIRST in deliveries:
        _run_layers(spark, FIRST, layers, baseline, base / "saved")
    else:
        run_here(lakehouse, ",".join(layers))
    for name in NEXT_DELIVERY:
        shutil.move(later / name, lakehouse.root / LANDING / name)
    products = [CATALOGUE_CHANGE if p[0] == CATALOGUE_CHANGE[0] else p for p in PRODUCTS]
    write_products(lakehouse.root / LANDING / "products" / "shop.db", tuple(products))
    if NEXT in deliveries:
        _run_layers(spark, NEXT, layers, baseline, base / "saved")
    return baseline


def _run_layers(spark: SparkSession, delivery: str, layers: tuple[str, ...], baseline: Baseline,
                saved: Path) -> None:
    lakehouse = baseline.lakehouse
    for layer in layers:
        key = (delivery, layer)
        baseline.saved[key] = lakehouse.save(saved / f"{delivery}-{layer}")
        files = lakehouse_files(lakehouse.root)
        started = time.monotonic()
        run_here(lakehouse, layer)
        baseline.seconds[key] = time.monotonic() - started
        baseline.files_added[key] = len(lakehouse_files(lakehouse.root) - files)
        baseline.after[key] = snapshot(spark, lakehouse, layer)


def lakehouse_files(root: Path) -> set[str]:
    """Every file under the lakehouse root but the landing zone's."""
    found = set()
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root and LANDING in dirs:
            dirs.remove(LANDING)
        found.update(os.path.join(folder, f) for f in files)
    return found


def table_folders(root: Path) -> list[str]:
    """The table folders under the root (as paths relative to it): folders holding a
    `_delta_log` or data files, their own or in partition folders, the landing zone left out."""
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here == root and LANDING in dirs:
            dirs.remove(LANDING)
        if here != root and "=" not in here.name and (
                "_delta_log" in dirs or _holds_data(here, files, dirs)):
            found.append(here.relative_to(root).as_posix())
            dirs.clear()
    return sorted(found)


def _holds_data(folder: Path, files: list[str], dirs: list[str]) -> bool:
    if any(f.endswith(".parquet") for f in files):
        return True
    return any("=" in d and any(p.suffix == ".parquet" for p in (folder / d).rglob("*"))
               for d in dirs)


def layer_of(table: str) -> str | None:
    """The layer a table belongs to: `raw/orders`, `ingested_files/raw/orders` -> raw."""
    parts = table.split("/")
    if parts[0] == LEDGER_DIR:
        return None
    return next((p for p in parts[:2] if p in LAYERS), None)


def partial_tables(spark: SparkSession, root: Path) -> dict[str, str]:
    """Table folders that are not readable Delta tables -> why (no commit, or Delta's error)."""
    partial = {}
    for table in table_folders(root):
        log = root / table / "_delta_log"
        if not log.is_dir() or not any(p.suffix == ".json" or ".checkpoint" in p.name
                                       for p in log.iterdir()):
            partial[table] = "no commit in _delta_log"
            continue
        try:
            spark.read.format("delta").load(str(root / table)).limit(1).collect()
        except Exception as error:  # noqa: BLE001 - any failure to read is what we report
            partial[table] = str(error).strip().splitlines()[0][:300]
    return partial


def snapshot(spark: SparkSession, lakehouse: Lakehouse, layer: str) -> Snapshot:
    """The layer's tables (records, quarantine, change logs, file ledger), volatile columns left
    out, the lakehouse root in values replaced by `<lakehouse>`."""
    root = str(lakehouse.root)
    tables = {}
    for name in table_folders(lakehouse.root):
        if layer_of(name) != layer:
            continue
        df = spark.read.format("delta").load(str(lakehouse.root / name))
        columns = tuple(c for c in df.columns if c not in VOLATILE)
        rows = [tuple(_plain(v, root) for v in row) for row in df.select(*columns).collect()]
        tables[name] = Table(columns, tuple(sorted(rows, key=repr)))
    return tables


def _plain(value: Any, root: str) -> Any:
    if isinstance(value, str):
        return value.replace(root, "<lakehouse>")
    if isinstance(value, dict):
        return tuple(sorted((_plain(k, root), _plain(v, root)) for k, v in value.items()))
    if isinstance(value, list | tuple):  # arrays, and structs (Rows are tuples)
        return tuple(_plain(v, root) for v in value)
    return value


def differences(expected: Snapshot, got: Snapshot, shown: int = 3) -> list[str]:
    """What differs between two snapshots of a layer, one line per table (empty: identical)."""
    found = []
    for name in sorted(expected.keys() | got.keys()):
        if name not in got:
            found.append(f"{name}: missing")
        elif name not in expected:
            found.append(f"{name}: not in the baseline ({len(got[name].rows)} rows)")
        elif expected[name].columns != got[name].columns:
            found.append(f"{name}: columns {got[name].columns}, baseline {expected[name].columns}")
        elif expected[name].rows != got[name].rows:
            want, have = expected[name].rows, got[name].rows
            extra = [r for r in have if r not in want][:shown]
            lacking = [r for r in want if r not in have][:shown]
            found.append(f"{name}: {len(have)} rows, baseline {len(want)}; "
                         f"e.g. extra {extra}, lacking {lacking}")
    return found


def ingestion_faults(expected: Snapshot, got: Snapshot) -> list[str]:
    """Landed files not taken in exactly once: rows per `_source_file` of each raw table unlike
    the baseline's, and file ledger entries other than one per file."""
    faults = []
    for name in sorted(expected.keys() | got.keys()):
        want, have = expected.get(name), got.get(name)
        if name.startswith(f"{FILE_LEDGER_DIR}/"):
            entries = Counter(have.column("path") if have else ())
            paths = set(entries) | set(want.column("path") if want else ())
            faults += [f"{name}: {path} recorded {entries[path]} times"
                       for path in sorted(paths) if entries[path] != 1]
        elif want is not None and SOURCE_FILE in want.columns:
            base = Counter(want.column(SOURCE_FILE))
            rows = Counter(have.column(SOURCE_FILE) if have and SOURCE_FILE in have.columns else ())
            faults += [f"{name}: {path} has {rows[path]} rows, baseline {base[path]}"
                       for path in sorted(base.keys() | rows.keys()) if base[path] != rows[path]]
    return faults
