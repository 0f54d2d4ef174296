"""Is a Delta table whole? Checked before prodi reads or writes one, cheaply: the `_delta_log`
folder is listed and its latest commit read, with the checksum files (`<version>.crc`) Delta
writes after each commit; no log replay.

- **half-created**: a folder with data files, or a `_delta_log`, but no commit: the first write
  was killed (or its disk filled up) before it committed. Nobody can read it; its own writer
  writes it fresh, and deletes the partial files once they are old enough not to belong to a
  first write still in progress.
- **corrupt**: the latest commit file is empty, cut off mid-line, or holds fewer file actions
  than its checksum (or its own operation metrics) says. Delta itself reads such a table as
  rolled back, or accepts a commit cut at a line boundary as it is, so its rows are silently
  wrong: prodi neither reads it nor commits on top of it.
- **a missing data file** is found when a job reads it (`missing_file_error`), or by `prodi doctor`.

A table by catalog name is checked the same way at the location its catalog gives; one the
catalog doesn't know is missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from loguru import logger

from prodi.io.delta_sql import is_named, storage_location, table_ref
from prodi.io.landing import normalize_path
from prodi.io.table_files import TableFiles, age_s, files_of

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Partial files younger than this may belong to a first write still running; they are left
# (Delta ignores files no commit lists, and a VACUUM deletes them later).
CLEAN_UP_AFTER_S = 3600
_VERSION = re.compile(r"^(\d{20})\.json$")
_CHECKPOINT = re.compile(r"^(\d{20})\.checkpoint(\.\d+\.\d+)?\.parquet$")
# operationMetrics that count a commit's add and remove actions, by the operations that set them.
_ADDED = ("numAddedFiles", "numTargetFilesAdded")
_REMOVED = ("numRemovedFiles", "numTargetFilesRemoved")
_WRITES = ("WRITE", "CREATE TABLE AS SELECT", "REPLACE TABLE AS SELECT",
           "CREATE OR REPLACE TABLE AS SELECT")


class TableStateError(Exception):
    """A Delta table prodi must not read or commit on: half-created, corrupt, or missing a data
    file. The message names the table, what is wrong, and what to do."""

    def __init__(self, location: str, state: str, problem: str, remedy: str) -> None:
        self.location, self.state, self.problem, self.remedy = location, state, problem, remedy
        super().__init__(f"Delta table {location} is {state}: {problem}. {remedy}")


@dataclass(frozen=True)
class TableState:
    location: str  # where its files are
    status: str  # missing | half-created | corrupt | ok
    version: int | None = None  # the latest commit on storage
    problem: str = ""  # half-created, corrupt: what was found
    leftovers: tuple[str, ...] = field(default=())  # half-created: the partial data files
    commit_info: dict = field(default_factory=dict, compare=False)  # the latest commit's
    name: str | None = None  # the catalog name it was asked by

    @property
    def committed(self) -> bool:
        return self.status in ("ok", "corrupt")

    @property
    def table(self) -> str:
        """The table as the user knows it: its catalog name, else its location."""
        return self.name or self.location


def inspect(spark: SparkSession, location: str, files: TableFiles | None = None) -> TableState:
    """What state the table at `location` (or of that catalog name) is in (never raises for
    its state)."""
    if is_named(location):
        return _inspect_named(spark, location, files)
    files = files or files_of(spark, location)
    names = files.log_names(location)
    versions = sorted(int(m.group(1)) for n in names or () if (m := _VERSION.match(n)))
    if not versions:
        checkpoints = [int(m.group(1)) for n in names or () if (m := _CHECKPOINT.match(n))]
        if checkpoints:  # Delta reads it from the checkpoint; there is no commit to check
            return TableState(location, "ok", max(checkpoints))
        leftovers = tuple(f.path for f in files.data_files(location))
        if names is None and not leftovers:
            return TableState(location, "missing")
        what = f"{len(leftovers)} data file(s)" + (" and an empty _delta_log" if names is not None
                                                    else " and no _delta_log")
        return TableState(location, "half-created", problem=f"it holds {what} but no commit: its "
                          "first write was stopped (killed, or its disk full) before it committed",
                          leftovers=leftovers)
    latest = versions[-1]
    wanted = [n for n in (_json(latest), _crc(latest), _crc(latest - 1)) if n in names]
    try:
        contents = files.read(location, wanted)
    except Exception as exc:  # noqa: BLE001 - an unreadable commit file is what this reports
        return TableState(location, "corrupt", latest,
                          f"its latest commit file {_json(latest)} can't be read ({first_line(exc)})")
    commit = contents.get(_json(latest), b"")
    problem = commit_problem(latest, commit, contents.get(_crc(latest)), contents.get(_crc(latest - 1)))
    return TableState(location, "corrupt" if problem else "ok", latest, problem or "",
                      commit_info=_commit_info(commit) if not problem else {})


def _inspect_named(spark: SparkSession, name: str, files: TableFiles | None) -> TableState:
    where = storage_location(spark, name)  # a catalog that fails raises: no state to judge
    if where is None:
        return TableState(name, "missing", name=name)
    return replace(inspect(spark, normalize_path(where), files), name=name)


def commit_problem(version: int, commit: bytes, checksum: bytes | None,
                   previous_checksum: bytes | None) -> str | None:
    """What is wrong with commit file `version` (None: nothing found), judged by its checksum
    file, the previous version's (file counts and sizes must add up), or else its own metrics."""
    name = _json(version)
    if not commit.strip():
        return f"its latest commit file {name} is empty ({len(commit)} bytes)"
    try:
        actions = [json.loads(line) for line in commit.decode("utf-8").splitlines() if line.strip()]
    except ValueError:
        return f"its latest commit file {name} is cut off (a line is not whole JSON)"
    adds = [a["add"] for a in actions if isinstance(a.get("add"), dict)]
    removes = [a["remove"] for a in actions if isinstance(a.get("remove"), dict)]
    info = next((a["commitInfo"] for a in actions if isinstance(a.get("commitInfo"), dict)), {})
    after, before = _checksum(checksum), _checksum(previous_checksum)
    if after is not None and info.get("txnId") and after.get("txnId") not in (None, info["txnId"]):
        return f"its latest commit file {name} is not the commit its checksum {_crc(version)} records"
    if after is not None and (before is not None or version == 0):
        before = before or {"numFiles": 0, "tableSizeBytes": 0}
        files = before.get("numFiles", 0) + len(adds) - len(removes)
        if after.get("numFiles") is not None and files != after["numFiles"]:
            return (f"its latest commit file {name} lists {len(adds)} added and {len(removes)} "
                    f"removed file(s), which gives {files} files, but its checksum "
                    f"{_crc(version)} says {after['numFiles']}: the file was cut short")
        size = before.get("tableSizeBytes", 0) + sum(a.get("size", 0) for a in adds) \
            - sum(r.get("size", 0) for r in removes)
        sized = all("size" in r for r in removes)  # a remove need not record the size
        if sized and after.get("tableSizeBytes") is not None and size != after["tableSizeBytes"]:
            return (f"its latest commit file {name} adds up to {size} bytes of data, but its "
                    f"checksum {_crc(version)} says {after['tableSizeBytes']}: the file was changed")
        return None
    return _metrics_problem(name, info, len(adds), len(removes))


def _metrics_problem(name: str, info: dict, adds: int, removes: int) -> str | None:
    """Fewer add or remove actions than the commit's own operation metrics count: lines lost."""
    metrics = info.get("operationMetrics") or {}
    added = next((metrics[k] for k in _ADDED if k in metrics), None)
    if added is None and info.get("operation") in _WRITES:
        added = metrics.get("numFiles")
    removed = next((metrics[k] for k in _REMOVED if k in metrics), None)
    for what, claimed, found in (("added", added, adds), ("removed", removed, removes)):
        if claimed is not None and str(claimed).isdigit() and found < int(claimed):
            return (f"its latest commit file {name} lists {found} {what} file(s), but its "
                    f"{info.get('operation')} metrics count {claimed}: the file was cut short")
    return None


def check(spark: SparkSession, location: str) -> TableState:
    """The table's state; raises TableStateError when it is corrupt."""
    state = inspect(spark, location)
    if state.status == "corrupt":
        raise state_error(state)
    return state


def state_error(state: TableState) -> TableStateError:
    """The error a reader (or, when corrupt, anyone) of this table gets."""
    where, ref = state.table, table_ref(state.table)
    if state.status == "half-created":
        return TableStateError(where, "half-created", state.problem,
                               "Nothing can read it until its own layer writes it: re-run that layer "
                               "(its next write starts the table fresh, ignoring the partial files), "
                               f"or delete the folder {state.location}. If a first write of it is "
                               "running right now, wait for it")
    if state.version is None or state.version == 0:
        remedy = (f"Its first commit is the broken one: delete the folder {state.location}"
                  f"{f' and drop {where}' if state.name else ''} and re-run the layer that writes it")
    else:
        last = state.version - 1
        remedy = (f"Delta would read it as of an earlier or partial state, so prodi neither reads it "
                  f"nor commits on top of it. Put the file back if you have a copy (a backup, or "
                  f"the store's object versioning); otherwise return the table to its last whole "
                  f"version with `RESTORE TABLE {ref} TO VERSION AS OF {last}` and re-run "
                  f"the layer that writes it: what version {state.version} wrote is written again. "
                  f"`prodi doctor` checks the layer's tables")
    return TableStateError(where, "corrupt", state.problem, remedy)


def clean_up(spark: SparkSession, state: TableState, files: TableFiles | None = None) -> int:
    """Before a half-created table is written fresh: delete its partial files old enough not to
    be a running first write's; how many were deleted. Only when no commit ever landed."""
    if state.status != "half-created":
        return 0
    files = files or files_of(spark, state.location)
    if files.log_names(state.location) and inspect(spark, state.location, files).committed:
        return 0  # a first write committed meanwhile
    old = [f.path for f in files.data_files(state.location) if age_s(f) > CLEAN_UP_AFTER_S]
    removed = files.remove(state.location, old) if old else 0
    left = len(state.leftovers) - removed
    logger.warning("{} was half-created ({}); writing it fresh{}{}", state.location, state.problem,
                   f", {removed} partial file(s) deleted" if removed else "",
                   f", {left} partial file(s) left for VACUUM (too recent to be sure no first "
                   "write of it is still running, or not deletable from here)" if left > 0 else "")
    return removed


_MISSING = re.compile(r"File (\S+) does not exist")


def missing_file_error(exc: BaseException) -> TableStateError | None:
    """A TableStateError naming the table and the repair, when `exc` is Spark failing on a data
    file that a Delta table lists but storage no longer has; else None."""
    text = str(exc)
    if "FileNotFoundException" not in text:
        return None
    found = _MISSING.search(text)
    if found is None:
        return None
    path = normalize_path(found.group(1))
    if "/_delta_log/" in path:
        table, name = path.split("/_delta_log/", 1)
        return TableStateError(table, "corrupt", f"its log file _delta_log/{name} is missing",
                               "Put the file back if you have a copy; `prodi doctor` checks the "
                               "layer's tables")
    parts = path.split("/")
    folder = parts[:-1]
    while folder and "=" in folder[-1]:  # partition folders
        folder.pop()
    table = "/".join(folder)
    return TableStateError(table, "missing a data file",
                           f"the version read lists {path[len(table) + 1:]}, which is gone from "
                           "storage (deleted outside Delta, by a VACUUM, or lost)",
                           missing_file_remedy(table))


def missing_file_remedy(table: str) -> str:
    ref = table_ref(table)
    return (f"Put the file back if you have a copy. Otherwise drop it from the table with "
            f"`FSCK REPAIR TABLE {ref}` (Databricks; its rows are lost), or return the "
            f"table to a version before that file was added with `RESTORE TABLE {ref} "
            f"TO VERSION AS OF <n>` (see `DESCRIBE HISTORY {ref}`); then re-run the "
            "layer that writes it")


def _checksum(content: bytes | None) -> dict | None:
    """A checksum file's content; None when it is absent or not whole (it is written after the
    commit, so a run killed meanwhile can leave none)."""
    if not content:
        return None
    try:
        value = json.loads(content)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _commit_info(commit: bytes) -> dict:
    for line in commit.decode("utf-8").splitlines():
        action = json.loads(line) if line.strip() else {}
        if isinstance(action.get("commitInfo"), dict):
            return action["commitInfo"]
    return {}


def _json(version: int) -> str:
    return f"{version:020d}.json"


def _crc(version: int) -> str:
    return f"{version:020d}.crc"


def first_line(exc: BaseException) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)[:300]
