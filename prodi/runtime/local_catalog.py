"""A catalog for tables by name on a machine without one: Spark's session catalog kept in an
embedded Derby metastore, with its managed tables in a warehouse folder, both under the
lakehouse root, so names outlive the session that created them (the in-memory catalog forgets
them at its end). Derby lets one Spark driver at a time open it; a shared metastore (Hive, Unity
Catalog) is set through spark_conf instead, and then this is not used."""

from __future__ import annotations

import os
from collections.abc import Mapping

CATALOG_IMPLEMENTATION = "spark.sql.catalogImplementation"
WAREHOUSE = "spark.sql.warehouse.dir"
METASTORE_URL = "spark.hadoop.javax.jdo.option.ConnectionURL"
DRIVER_JAVA_OPTIONS = "spark.driver.extraJavaOptions"


def sets_catalog(conf: Mapping[str, str]) -> bool:
    """Whether a run's own conf chooses its catalog (then prodi adds none)."""
    return CATALOG_IMPLEMENTATION in conf or METASTORE_URL in conf


def local_catalog_conf(folder: str, conf: Mapping[str, str]) -> dict[str, str]:
    """The session conf of a local catalog in `folder` (absolute, local; it must exist when
    the session starts), on top of a run's own `conf`."""
    # Derby writes its log to the working directory unless told otherwise.
    derby_log = f"-Dderby.stream.error.file={folder}/derby.log"
    return {
        CATALOG_IMPLEMENTATION: "hive",
        WAREHOUSE: conf.get(WAREHOUSE, f"{folder}/warehouse"),
        METASTORE_URL: f"jdbc:derby:;databaseName={folder}/metastore_db;create=true",
        DRIVER_JAVA_OPTIONS: " ".join(filter(None, (conf.get(DRIVER_JAVA_OPTIONS), derby_log))),
    }


class LocalCatalogBusyError(Exception):
    """Another Spark driver has the local catalog's Derby metastore open."""


def open_local_catalog(folder: str) -> None:
    """Make the catalog's folder, and fail at once, before Spark starts, when another driver
    holds its metastore: Derby would otherwise fail the first catalog call deep in a run, with
    pages of Hive traces."""
    os.makedirs(folder, exist_ok=True)
    if _locked(os.path.join(folder, "metastore_db", "dbex.lck")):
        raise LocalCatalogBusyError(
            f"the local catalog {folder}/metastore_db is open in another Spark driver (another "
            "prodi run by name on this lakehouse, or a notebook): Derby lets one at a time use "
            "it. Wait for that run to end, or give concurrent runs a shared metastore through "
            f"spark_conf ({CATALOG_IMPLEMENTATION}, {METASTORE_URL}); see docs/run/unity-catalog.md")


def _locked(path: str) -> bool:
    """Whether another process holds the lock Derby takes on `path` (a POSIX record lock, as
    Java's FileChannel.tryLock takes on Linux and macOS); a stale file with no lock is free."""
    try:
        import fcntl
    except ImportError:  # Windows: Derby's own error then says it
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:  # no metastore yet, or not ours to open
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
