"""Landed files (csv, json, parquet, text) in a folder of any Hadoop filesystem, each read once.

Every delivered record ends up in the raw table or in raw's quarantine: records the reader
can't parse (kept as their raw text), records with bytes that don't decode in the declared
encoding, and the records of a file that lacks a declared column. Files are known by path,
size and modification time (see `prodi.io.file_ledger`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from loguru import logger

from prodi.model.columns import FILE_MODIFIED, FILE_SIZE, LANDED_DATE, RUN_ID, SOURCE_FILE
from prodi.model.errors import ConfigError, DataError
from prodi.model.layout import absolute_storage, table_location
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun
from prodi.sources.base import Source
from prodi.sources.missing_input import (
    folder_missing_on_disk,
    handle_missing,
    landing_folder,
    plan_note,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from prodi.io.landing import LandedFile


class RedeliveryError(DataError):
    """A file was delivered again with other content, and the source says to fail."""


@dataclass(frozen=True)
class LandedFilesOptions:
    format: Literal["csv", "json", "parquet", "text"]
    path: str
    glob: str = "*"
    # Regex whose first match in a file's path relative to `path` is its landed date
    # (YYYY-MM-DD): the whole match, its one group, or three groups (year, month, day).
    date_pattern: str | None = None
    # Files in subfolders at any depth too (`orders/2026/01/03/part-1.csv`): the glob is then
    # matched against each file's name, and date_pattern against its path below `path`.
    recursive: bool = False
    options: dict[str, str] = field(default_factory=dict)  # Spark reader options
    encoding: str = "UTF-8"
    # A file delivered again under a known name with other content (size or modification time).
    on_redelivery: Literal["ingest", "warn", "fail"] = "warn"


class LandedFiles(Source):
    """Appends what is new; every delivered record is ingested or quarantined with a reason."""

    Options = LandedFilesOptions
    counted = False  # it counts the records delivered itself
    incremental = True

    def validate(self, item: Item) -> list[ConfigError]:
        mode = self.options.options.get("mode", "PERMISSIVE").upper()
        if mode not in ("PERMISSIVE", "FAILFAST"):
            return [ConfigError(f"{self.path}.options.mode", "PERMISSIVE (unparseable records are "
                                "quarantined) or FAILFAST (they fail the run); DROPMALFORMED would "
                                "lose records", repr(self.options.options["mode"]))]
        from prodi.io.landing import date_pattern_problem

        errors = []
        o = self.options
        if o.recursive and ("/" in o.glob or "{" in o.glob or "**" in o.glob):
            errors.append(ConfigError(f"{self.path}.glob", "a file-name pattern (*, ?, [...]) "
                                      "with recursive: true (it is matched against each file's "
                                      "name, in every subfolder)", repr(o.glob)))
        problem = None if o.date_pattern is None else date_pattern_problem(o.date_pattern)
        if problem:
            errors.append(ConfigError(f"{self.path}.date_pattern", "a regular expression whose "
                                      "match is the date (YYYY-MM-DD), or with one group that is, "
                                      r"or three groups for year, month and day, e.g. "
                                      r"'(\d{4})/(\d{2})/(\d{2})'", problem))
        return errors

    def plan(self, item: Item) -> dict[str, Any]:
        o = self.options
        scope = f"{LANDED_DATE} = '{item.run_date}'" if item.run_date else "all dates"
        folder = absolute_storage(o.path)
        where = f"{folder}/{'**/' if o.recursive else ''}{o.glob}"
        missing = [landing_folder(folder, o.glob)] if folder_missing_on_disk(folder) else []
        return {"reads": f"{where} ({o.format}, files not yet ingested; {scope})",
                **plan_note(item, missing)}

    def read(self, run: StageRun) -> DataFrame | None:
        from prodi.io import file_ledger
        from prodi.io.landing import LandingFolder
        from prodi.sources.delivery_checks import split_delivery

        o = self.options
        reader = dict(o.options)
        if o.format in ("csv", "json") and not {"encoding", "charset"} & set(reader):
            reader["encoding"] = o.encoding
        if o.format == "csv":  # RFC 4180: a quote inside a quoted value is doubled ("")
            reader.setdefault("escape", '"')
        if o.format == "json":  # numbers as written (1.10 stays 1.10), not as inferred doubles
            reader.setdefault("primitivesAsString", "true")
        folder = LandingFolder(absolute_storage(o.path), o.glob, o.date_pattern, o.recursive)
        if not folder.exists(run.spark):  # a folder that is there but empty has nothing new
            handle_missing(run, [landing_folder(folder.path, o.glob)])
            return None
        files = self._in_scope(run, folder.list(run.spark))
        ledger = run.resolve(ledger_location(run.item), "cloud.storage.root")
        new, redelivered = self._new_files(run, files, ledger)
        logger.info("{}/{}: {} landed file(s) in {}, {} already ingested, {} new",
                    run.item.layer.name, run.item.name, len(files), folder.path,
                    len(files) - len(new), len(new))
        if not new:
            run.stop("ok", "nothing new")
            return None
        good, per_file = split_delivery(run, o.format, reader, new)
        run.note = f"{len(new)} file(s)"
        # The quarantine rows of these files are replaced, not appended to: what an attempt
        # that never committed (it lost its claim, or was killed) left there is superseded.
        earlier = file_ledger.runs_of(run.spark, ledger, redelivered) if redelivered else set()
        run.quarantine_scope = _attempts_at(new, earlier)
        entries = [(f.path, f.size, f.modified, f.landed_date, n, bad,
                    _taken_as(n, bad), run.run_id)
                   for f in new for n, bad in [per_file.get(f.path, (0, 0))]]
        run.on_success(lambda: file_ledger.record(run.spark, ledger, entries, run.commit_note()))
        return _with_delivery(good, new)

    def _in_scope(self, run: StageRun, files: list[LandedFile]) -> list[LandedFile]:
        """The files of the run date (all dated ones without one); undated names are reported."""
        if self.options.date_pattern is not None:
            undated = [f.name for f in files if f.landed_date is None]
            if undated:
                run.warn(f"{len(undated)} file(s) match {self.options.glob!r} but not date_pattern "
                         f"{self.options.date_pattern!r}, so they are not ingested: "
                         f"{', '.join(undated[:10])}{' ...' if len(undated) > 10 else ''}")
            files = [f for f in files if f.landed_date is not None]
        if run.item.run_date is not None:
            files = [f for f in files if f.landed_date == run.item.run_date]
        return files

    def _new_files(self, run: StageRun, files: list[LandedFile], ledger: str
                   ) -> tuple[list[LandedFile], list[str]]:
        """Files never taken in, and re-deliveries the policy takes (also by path: the second
        list). Rows written before raw recorded file sizes count as the file's delivery,
        whatever its size now."""
        from prodi.io import file_ledger

        seen, unrecorded = file_ledger.seen_files(run.spark, run.target, ledger,
                                                  {f.path: f.landed_date for f in files})
        if unrecorded:  # a run stopped after its rows committed and before its ledger did
            quarantine = run.location(f"quarantine/{run.item.layer.name}", run.item.name)
            mended = file_ledger.with_quarantined(run.spark, quarantine, unrecorded)
            run.warn(f"{len(mended)} file(s) in raw but not in its file ledger (a run stopped "
                     "between the two commits) are recorded there now")
            run.on_success(lambda: file_ledger.record(run.spark, ledger, mended,
                                                      run.commit_note()))
        new, redelivered = [], []
        for f in files:
            taken = {(size, modified) for size, modified, _ in seen.get(f.path, ())}
            if (f.size, f.modified) in taken or (None, None) in taken:
                continue  # this very delivery is in already
            if all(how == "empty" for _, _, how in seen.get(f.path, ())):
                new.append(f)  # never seen, or seen only empty: its content is simply new
            elif self._redelivered(run, f, max(size or 0 for size, _ in taken)):
                new.append(f)
                redelivered.append(f.path)
        return new, redelivered

    def _redelivered(self, run: StageRun, file: LandedFile, size_before: int) -> bool:
        policy = self.options.on_redelivery
        what = (f"{file.path} was delivered again with other content ({size_before} -> "
                f"{file.size} bytes, or a new modification time)")
        if policy == "fail":
            raise RedeliveryError(f"dataset {run.item.name!r}: {what}; on_redelivery: fail at "
                                  f"{self.path}.on_redelivery (ingest takes it as a new delivery)")
        if policy == "warn":
            run.warn(f"{what}: not ingested (on_redelivery: warn; `ingest` takes it as a new "
                     "delivery)")
            return False
        run.warn(f"{what}: ingested as a new delivery (on_redelivery: ingest)")
        return True


def _taken_as(records: int, quarantined: int) -> str:
    if records > quarantined:
        return "rows"
    return "quarantined" if records else "empty"


def _attempts_at(files: list[LandedFile], earlier_runs: set[str]) -> str:
    """A predicate on quarantine rows: those of `files` not from a run that took them in."""
    from prodi.model.sql import quoted_literal

    dates = sorted({f.landed_date for f in files if f.landed_date is not None})
    parts = [f"{SOURCE_FILE} IN ({', '.join(quoted_literal(f.path) for f in files)})"]
    if dates and all(f.landed_date is not None for f in files):
        parts.insert(0, f"{LANDED_DATE} IN ({', '.join(quoted_literal(d) for d in dates)})")
    if earlier_runs:
        parts.append(f"{RUN_ID} NOT IN ({', '.join(quoted_literal(r) for r in sorted(earlier_runs))})")
    return " AND ".join(parts)


def ledger_location(item: Item) -> str:
    """The ledger of the files an item has seen (secret references not yet resolved)."""
    app = item.app
    return table_location(app.cloud, f"ingested_files/{item.layer.name}",
                          app.env.table_prefix, item.name)


def _with_delivery(records: DataFrame, files: list[LandedFile]) -> DataFrame:
    """Each record with its file's size and modification time (how raw knows a delivery)."""
    from pyspark.sql import functions as F

    def by_file(value: str) -> Any:
        pairs = [x for f in files for x in (F.lit(f.path), F.lit(getattr(f, value)))]
        return F.element_at(F.create_map(*pairs), F.col(SOURCE_FILE)).cast("bigint")

    return records.withColumns({FILE_SIZE: by_file("size"), FILE_MODIFIED: by_file("modified")})
