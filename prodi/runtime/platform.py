"""Facts about where prodi runs that change defaults (no Spark needed to know them)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from typing import TextIO


def on_databricks(environ: Mapping[str, str] | None = None) -> bool:
    """Whether we run on a Databricks cluster (its runtime sets DATABRICKS_RUNTIME_VERSION)."""
    return "DATABRICKS_RUNTIME_VERSION" in (os.environ if environ is None else environ)


def log_stream(environ: Mapping[str, str] | None = None) -> TextIO:
    """Where logs go: stdout on Databricks (the task output page shows it), else stderr."""
    return sys.stdout if on_databricks(environ) else sys.stderr


def default_hydra_dir(environ: Mapping[str, str] | None = None) -> str | None:
    """On a cluster, Hydra's output dir belongs on local disk, not the workspace or DBFS fuse."""
    if on_databricks(environ):
        return os.path.join(tempfile.gettempdir(), "prodi-hydra")
    return None
