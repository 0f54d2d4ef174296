"""Whether this Python can run Spark at all, asked before a run attempts anything.

pyspark and delta-spark are not plain dependencies of prodi's wheel: a Databricks runtime has its
own, which pip must not replace, so they are the `spark` extra everywhere else. Nothing of Spark
is imported here, so dry-runs, `prodi validate` and `prodi databricks job` work without it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from importlib.util import find_spec

from prodi.runtime.jars import installed_delta_artifacts, installed_versions
from prodi.runtime.platform import on_databricks

# The modules a run imports, and the distributions that bring them.
SPARK_MODULES = {"pyspark": "pyspark", "delta": "delta-spark"}
INSTALL = 'pip install "prodi[spark]"'


class SparkUnavailableError(RuntimeError):
    """This Python has no pyspark (or no delta-spark): it can plan and validate, not run."""

    def __init__(self, missing: tuple[str, ...], databricks: bool) -> None:
        self.missing = missing
        self.install_command = INSTALL
        where = ("this looks like a Databricks cluster, whose runtime provides them: run on a "
                 "Databricks Runtime (not a plain Python environment) and install plain `prodi` "
                 "there" if databricks else
                 f"install prodi with its spark extra: {INSTALL} (on Databricks the runtime "
                 "provides them: install plain `prodi` there)")
        super().__init__(
            f"a run needs {' and '.join(missing)}, which this Python ({sys.executable}) lacks; "
            f"{where}. Dry-runs (dry_run=true), `prodi validate` and `prodi databricks job` "
            "need no Spark.")


def missing_spark() -> tuple[str, ...]:
    """The distributions a run needs that this Python can't import (empty: Spark can run)."""
    return tuple(dist for module, dist in SPARK_MODULES.items() if find_spec(module) is None)


def require_spark(environ: Mapping[str, str] | None = None) -> None:
    """Raise SparkUnavailableError, naming the extra to install, unless a run can import Spark;
    SparkDeltaMismatchError if the installed pyspark and delta-spark can't run together (off
    Databricks, whose runtime pairs its own; when both are installed as distributions)."""
    missing = missing_spark()
    if missing:
        raise SparkUnavailableError(missing, on_databricks(environ))
    if not on_databricks(environ) and None not in installed_versions():
        installed_delta_artifacts()
