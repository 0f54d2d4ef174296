"""One table's health, in full, for `prodi doctor`: its state (`table_health`), whether every
data file its current version lists is on storage, the files on storage it doesn't list (what a
VACUUM deletes once they are past the retention), and who made its last commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodi.io import table_health
from prodi.io.table_files import TableFiles, files_of
from prodi.model import commit_note

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass(frozen=True)
class Audit:
    location: str
    state: str  # ok | no table yet | half-created | corrupt | missing files | unreadable
    version: int | None = None
    last_commit: str = ""  # e.g. "prodi run 20260101-..." or "not prodi: OPTIMIZE"
    unlisted_files: int = 0  # on storage, not in the current version
    error: str = ""  # broken: what is wrong and what to do, one paragraph

    @property
    def broken(self) -> bool:
        return self.state not in ("ok", "no table yet")


def audit(spark: SparkSession, table: str, files: TableFiles | None = None) -> Audit:
    """The table (at a location, or by catalog name at the location its catalog gives)."""
    state = table_health.inspect(spark, table, files)
    if state.status == "missing":
        return Audit(table, "no table yet")
    if state.status != "ok":
        return Audit(table, state.status, state.version,
                     error=str(table_health.state_error(state)))
    location, shown = state.location, state.table
    files = files or files_of(spark, location)
    last = _last_commit(state.commit_info)
    try:
        listed = {_relative(location, p) for p in spark.read.format("delta").load(location).inputFiles()}
    except Exception as exc:  # noqa: BLE001 - a table Delta can't open is what this reports
        problem = table_health.first_line(exc)
        return Audit(shown, "unreadable", state.version, last,
                     error=f"Delta table {shown} can't be read: {problem}")
    stored = {f.path for f in files.data_files(location)}
    missing = sorted(listed - stored)
    if missing:
        listing = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        return Audit(shown, "missing files", state.version, last, len(stored - listed),
                     f"Delta table {shown} is missing {len(missing)} data file(s) its version "
                     f"{state.version} lists: {listing}. {table_health.missing_file_remedy(shown)}")
    return Audit(shown, "ok", state.version, last, len(stored - listed))


def _last_commit(info: dict) -> str:
    note = commit_note.decode(info.get("userMetadata"))
    if note is not None:
        return f"prodi run {note['prodi_run']}"
    return f"not prodi: {info.get('operation') or 'unknown operation'}"


def _relative(location: str, uri: str) -> str:
    """A data file of the table, relative to its folder, as `TableFiles.data_files` spells it."""
    from urllib.parse import unquote, urlparse

    root = unquote(urlparse(location).path).rstrip("/") + "/"
    path = unquote(urlparse(uri).path)
    return path[len(root):] if path.startswith(root) else path
