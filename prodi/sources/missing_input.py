"""One policy for an input that isn't there: an upstream layer never run, a landing folder
that doesn't exist. The run fails naming what is missing and what creates it, unless
`run.allow_missing_upstream=true` (a fresh environment) makes the item a skip with a warning.
An input that exists with nothing new in it is not missing: that item is simply up to date; so
is a table not written yet by an upstream layer that has run (no file of that dataset delivered
so far). See docs/missing-input.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from prodi.model.errors import SourceError
from prodi.model.layout import file_uri_path, is_table_name
from prodi.plugins.item import Item
from prodi.plugins.run import StageRun

ALLOW_KEY = "run.allow_missing_upstream"


class MissingInputError(SourceError):
    """An item's input is not there (no upstream table, no landing folder): the message names
    the dataset, the path and what creates it."""


@dataclass(frozen=True)
class MissingInput:
    """What an item lacks: `what` (e.g. "the raw table"), where, and how to get it."""

    what: str
    path: str
    remedy: str  # e.g. "run `prodi run-layer layer=raw` first"
    # An upstream table's layer folder: when it is there, that layer has run and has simply
    # written nothing of this dataset yet (no file of it delivered so far): nothing new, not
    # missing. None for a landing folder.
    layer_folder: str | None = None


def describe(item: Item, missing: list[MissingInput]) -> str:
    """One sentence for the item: each missing path, each remedy once."""
    by_remedy: dict[tuple[str, str], list[str]] = {}
    for m in missing:
        by_remedy.setdefault((m.what, m.remedy), []).append(m.path)
    parts = [f"{what} does not exist at {', '.join(paths)}; {remedy}"
             for (what, remedy), paths in by_remedy.items()]
    return f"{item.layer.name}/{item.name}: " + "; ".join(parts)


def upstream_table(layer: str, location: str, run_date: str | None = None) -> MissingInput:
    """A table of `layer` that has not been built: the command that builds it."""
    date = f" run.date={run_date}" if run_date else ""
    return MissingInput(f"the {layer} table", location,
                        f"run `prodi run-layer layer={layer}{date}` first",
                        location.rstrip("/").rsplit("/", 1)[0])


def landing_folder(path: str, glob: str) -> MissingInput:
    """A landing folder that doesn't exist: where the delivered files are expected."""
    return MissingInput("the landing folder", path,
                        f"deliver the files ({glob}) there, or point the source's `path` (or "
                        "PRODI_LAKEHOUSE / cloud.storage.landing) at where they are")


def allowed(item: Item) -> bool:
    return item.app.run.allow_missing_upstream


def handle_missing(run: StageRun, absent: list[MissingInput]) -> None:
    """Inputs not there: fail the run naming those never built (or, allowed, skip the item with
    a warning); when each is a table whose layer has run, skip the item as nothing new."""
    from prodi.io.landing import LandingFolder

    missing = [m for m in absent if m.layer_folder is None
               or not LandingFolder(m.layer_folder, "*", None).exists(run.spark)]
    if not missing:
        run.warn(f"{_not_yet(run.item, absent)}: skipped")
        run.stop("skipped", "nothing upstream yet")
        return
    text = describe(run.item, missing)
    if not allowed(run.item):
        raise MissingInputError(f"{text}. Set {ALLOW_KEY}=true to skip items whose input is "
                                "missing instead (a fresh environment)")
    run.warn(f"{text} (skipped: {ALLOW_KEY}=true)")
    run.stop("skipped", f"missing input: {', '.join(m.path for m in missing)}")


def _not_yet(item: Item, absent: list[MissingInput]) -> str:
    """An upstream layer that has run but holds nothing of this dataset yet."""
    what = " and ".join(sorted({m.what for m in absent}))
    return (f"{what} has no rows of {item.name} yet (its layer has run, but nothing of this "
            f"dataset was delivered so far?): {', '.join(m.path for m in absent)} does not exist")


def plan_note(item: Item, absent: list[MissingInput]) -> dict[str, str]:
    """The dry-run plan's entry for inputs found not there (nothing when all are), told apart
    as `handle_missing` does."""
    missing = [m for m in absent if m.layer_folder is None or folder_missing_on_disk(m.layer_folder)]
    if not missing:
        return {"input": f"{_not_yet(item, absent)}: the run skips this item"} if absent else {}
    then = (f"the run skips this item ({ALLOW_KEY}=true)" if allowed(item) else
            f"the run fails here ({ALLOW_KEY}=true would skip it)")
    return {"missing input": f"{describe(item, missing)}; {then}"}


def on_local_disk(path: str) -> str | None:
    """The local path of a storage path on this machine's disk; None for remote storage (a
    dry-run doesn't reach it: no credentials are fetched) or a path with secret references."""
    if "{{" in path:
        return None
    if path.startswith("file:"):
        return file_uri_path(path)
    return None if "://" in path else path


def table_missing_on_disk(location: str) -> bool:
    """Whether a dry-run can tell, without a JVM, that no Delta table is at `location`: it is
    on local disk and has no `_delta_log` folder. Remote storage, and a table by catalog name,
    are checked when the run starts."""
    if is_table_name(location):  # only the catalog knows
        return False
    local = on_local_disk(location)
    return local is not None and not os.path.isdir(os.path.join(local, "_delta_log"))


def folder_missing_on_disk(path: str) -> bool:
    """Whether a dry-run can tell that the local folder `path` does not exist."""
    local = on_local_disk(path)
    return local is not None and not os.path.isdir(local)
